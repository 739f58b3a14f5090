package storage

import "testing"

func TestNumberedShiftsEachPart(t *testing.T) {
	got := numbered(`WITH a AS (SELECT $1, $2)`, `SELECT $1`, ``, `SELECT $2, $1, $10`)
	want := "WITH a AS (SELECT $1, $2)\nSELECT $3\n\nSELECT $5, $4, $13\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
