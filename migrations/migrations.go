// Package migrations holds the ordered SQL files that build the database schema.
package migrations

import "embed"

// FS holds every migration, applied in file-name order by goose.
//
//go:embed *.sql
var FS embed.FS
