// Package ident parses, validates, formats and masks the identifiers certflow
// handles: resident ID numbers (GB 11643-1999), unified social credit codes
// (GB 32100-2015), province codes and registered-constructor registration
// numbers (注册编号).
//
// Every function is pure: no I/O, no clock, no environment.
package ident
