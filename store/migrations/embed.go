// Package migrations holds certflow's versioned SQL migrations, applied in order by bun/migrate.
package migrations

import "embed"

// Files are the *.up.sql and *.down.sql migrations.
//
//go:embed *.sql
var Files embed.FS
