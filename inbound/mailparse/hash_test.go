package mailparse

import (
	"bytes"
	"strings"
	"testing"
)

const hashMail = "From: Ana <ana@example.org>\r\nTo: support@example.com\r\nSubject: Refund\r\n" +
	"Message-ID: <r1@example.org>\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n\r\nPlease refund order 4471.\r\n"

// The same mail delivered twice differs only in what servers add on the way.
func TestContentHashIgnoresTheDeliveryPath(t *testing.T) {
	base := hash(t, hashMail)
	same := map[string]string{
		"another relay": "Received: from mx2.example.com by imap.example.com; Mon, 30 Nov 2026 10:00:09 +0000\r\n" +
			"Received: from out.example.org by mx2.example.com\r\n\tfor <help@example.com>; Mon, 30 Nov 2026 10:00:05 +0000\r\n" + hashMail,
		"delivered to an alias": "Return-Path: <ana@example.org>\r\nDelivered-To: help@example.com\r\nX-Original-To: help@example.com\r\n" + hashMail,
		"spam and auth verdicts": "X-Spam-Score: 0.3\r\nX-Spam-Status: No\r\nAuthentication-Results: mx.example.com; spf=pass\r\n" +
			"ARC-Seal: i=1; a=rsa-sha256; cv=none\r\nX-Virus-Scanned: clean\r\n" + hashMail,
	}
	for name, raw := range same {
		if got := hash(t, raw); !bytes.Equal(got, base) {
			t.Errorf("%s: hash changed", name)
		}
	}
	differ := map[string]string{
		"other body":    strings.Replace(hashMail, "4471", "4472", 1),
		"other subject": strings.Replace(hashMail, "Subject: Refund", "Subject: Refund!", 1),
		"other sender":  strings.Replace(hashMail, "ana@example.org", "bo@example.org", 1),
		"other date":    strings.Replace(hashMail, "10:00:00", "10:00:01", 1),
	}
	for name, raw := range differ {
		if got := hash(t, raw); bytes.Equal(got, base) {
			t.Errorf("%s: same hash as the original", name)
		}
	}
}

func hash(t *testing.T, raw string) []byte {
	t.Helper()
	in, err := Parse([]byte(raw), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return in.ContentHash
}
