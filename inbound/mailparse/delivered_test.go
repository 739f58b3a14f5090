package mailparse

import (
	"testing"
)

// The addresses receiving servers delivered a mail to are kept apart from
// To and Cc: the support address they name is never a participant.
func TestDeliveredTo(t *testing.T) {
	in := mustParse(t, rawMail(
		"Delivered-To: desk@example.com",
		"X-Original-To: Help@Example.com",
		"Envelope-To: <inbox@example.com>",
		"From: Ana <ana@example.org>",
		"To: Help <help@example.com>",
		"Cc: bob@example.org",
		"Subject: hi",
		"",
		"body"))
	var got []string
	for _, a := range in.DeliveredTo {
		got = append(got, a.Email)
	}
	want := []string{"desk@example.com", "help@example.com", "inbox@example.com"}
	if len(got) != len(want) {
		t.Fatalf("DeliveredTo = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("DeliveredTo = %q, want %q", got, want)
		}
	}
	if len(in.Cc) != 1 || in.Cc[0].Email != "bob@example.org" {
		t.Fatalf("Cc = %+v", in.Cc)
	}
}
