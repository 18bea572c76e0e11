// Package calendars embeds the working-day calendar data: one JSON file per
// year listing the State Council's public-holiday days off and the adjusted
// working weekend days (调休). The calendar package parses and validates it.
package calendars

import "embed"

// Files holds every *.json calendar file in this directory, named YEAR.json.
//
//go:embed *.json
var Files embed.FS
