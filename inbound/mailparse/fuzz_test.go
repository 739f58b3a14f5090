package mailparse

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that no input panics, hangs or yields a string the
// database would refuse. Seeds are the fixtures plus generated structures.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed fixtures: %v", err)
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add(nestedMultipart(25))
	f.Add(manyParts(3))
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := Parse(raw, DefaultLimits())
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || perr.Reason == "" {
				t.Fatalf("error %v is not an *Error with a reason", err)
			}
			if errors.Is(err, ErrInternal) {
				t.Fatalf("parser panicked: %v", err)
			}
			return
		}
		if in.Size != len(raw) || len(in.ContentHash) != sha256.Size || in.MessageID == "" {
			t.Fatalf("Size %d, hash %x, MessageID %q", in.Size, in.ContentHash, in.MessageID)
		}
		if again, _ := Parse(raw, DefaultLimits()); !bytes.Equal(again.ContentHash, in.ContentHash) {
			t.Fatalf("the same bytes hashed twice gave %x and %x", in.ContentHash, again.ContentHash)
		}
		for _, s := range allStrings(in) {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("unstorable string %q", s)
			}
		}
	})
}
