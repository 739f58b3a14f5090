package mailparse

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// nestedMultipart builds a message with depth levels of multipart/mixed, each
// with its own boundary, and a text part at the bottom.
func nestedMultipart(depth int) []byte {
	var b bytes.Buffer
	b.WriteString("From: deep@example.com\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
	for i := range depth {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i, i+1)
	}
	fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\nbottom\r\n--b%d--\r\n", depth, depth)
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return b.Bytes()
}

// manyParts builds a multipart/mixed message with n small attachments.
func manyParts(n int) []byte {
	var b bytes.Buffer
	b.WriteString("From: many@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
	for i := range n {
		fmt.Fprintf(&b, "--b\r\nContent-Type: application/octet-stream; name=\"f%d.bin\"\r\n\r\nx\r\n", i)
	}
	b.WriteString("--b--\r\n")
	return b.Bytes()
}

func TestLimits(t *testing.T) {
	lim := DefaultLimits()
	tests := []struct {
		name   string
		raw    []byte
		lim    Limits
		want   error
		reason string
	}{
		{"too large", rawMail("From: a@x", "", strings.Repeat("x", 2000)), Limits{MaxSize: 1000}, ErrTooLarge, "message is 2.0 KiB"},
		{"header too large", rawMail("From: a@x", "X-Junk: "+strings.Repeat("x", 300<<10), "", "b"), lim, ErrHeaderTooLarge, "header block larger than 256 KiB"},
		{"part header too large", rawMail("From: a@x", "Content-Type: multipart/mixed; boundary=b", "", "--b", "X-Junk: "+strings.Repeat("x", 2000), "", "b", "--b--"), Limits{MaxHeaderBytes: 1000}, ErrHeaderTooLarge, "MIME part header larger than"},
		{"too deep", nestedMultipart(21), lim, ErrTooDeep, "MIME nesting deeper than 20 levels"},
		{"too many parts", manyParts(500), lim, ErrTooManyParts, "more than 500 MIME parts"},
		{"no header", []byte("just some words\r\nand more\r\n"), lim, ErrMalformed, "no mail header found"},
		{"empty", []byte("\r\n \r\n"), lim, ErrMalformed, "empty message"},
		{"no separation and no sender", []byte("Subject: x\r\nX-Other: y"), lim, ErrMalformed, "no header/body separation and no sender"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw, tt.lim)
			var perr *Error
			if !errors.As(err, &perr) || !errors.Is(err, tt.want) {
				t.Fatalf("Parse error = %v, want *Error wrapping %v", err, tt.want)
			}
			if !strings.Contains(perr.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to contain %q", perr.Reason, tt.reason)
			}
		})
	}
}

func TestWithinLimitsParses(t *testing.T) {
	in := mustParse(t, nestedMultipart(19))
	if in.Text != "bottom" {
		t.Errorf("Text = %q at depth 20", in.Text)
	}
	if in = mustParse(t, manyParts(498)); len(in.Attachments) != 498 {
		t.Errorf("got %d attachments, want 498", len(in.Attachments))
	}
}

// TestDeepNestingRejectedFast: 10,000 levels must be refused quickly and
// without deep recursion, whatever depth the caller allows.
func TestDeepNestingRejectedFast(t *testing.T) {
	raw := nestedMultipart(10000)
	for _, lim := range []Limits{DefaultLimits(), {MaxDepth: 1 << 30}} {
		start := time.Now()
		_, err := Parse(raw, lim)
		if !errors.Is(err, ErrTooDeep) {
			t.Errorf("MaxDepth %d: err = %v, want ErrTooDeep", lim.MaxDepth, err)
		}
		if d := time.Since(start); d > 250*time.Millisecond {
			t.Errorf("MaxDepth %d: rejecting took %v", lim.MaxDepth, d)
		}
	}
}

func BenchmarkDeepNesting(b *testing.B) {
	raw := nestedMultipart(10000)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Parse(raw, DefaultLimits()); !errors.Is(err, ErrTooDeep) {
			b.Fatal(err)
		}
	}
}

func BenchmarkManyParts(b *testing.B) {
	raw := manyParts(490)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Parse(raw, DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}

func TestErrorText(t *testing.T) {
	err := &Error{Reason: "MIME nesting deeper than 20 levels", Err: ErrTooDeep}
	if err.Error() != "mailparse: MIME nesting deeper than 20 levels: MIME nesting too deep" || err.Unwrap() != ErrTooDeep {
		t.Errorf("Error() = %q", err.Error())
	}
	if (&Error{Reason: "r"}).Error() != "mailparse: r" {
		t.Error("Error() without Err")
	}
}
