package mailparse

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchMail is a support mail like the ingest benchmark's: about 20 KB of
// text, with a 200 KB base64 attachment when attach.
func benchMail(attach bool) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the printer invoice refund account password login error screen order payment card delivery")
	var body strings.Builder
	for body.Len() < 20_000 {
		for range 12 {
			body.WriteString(words[rng.IntN(len(words))] + " ")
		}
		body.WriteString("\r\n")
	}
	h := "From: Customer <c1@example.org>\r\nTo: support@example.com\r\nSubject: Problem 1\r\n" +
		"Message-ID: <bench1@example.org>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
	if !attach {
		return []byte(h + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.String())
	}
	data := make([]byte, 200_000)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(data)
	var att strings.Builder
	for len(enc) > 76 {
		att.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	att.WriteString(enc + "\r\n")
	return []byte(h + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		body.String() + "\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"screenshot.png\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + att.String() + "--b--\r\n")
}

// BenchmarkParse measures the parser on the ingest benchmark's two kinds of
// mail.
func BenchmarkParse(b *testing.B) {
	for _, attach := range []bool{false, true} {
		raw := benchMail(attach)
		b.Run(fmt.Sprintf("attachment=%v", attach), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := Parse(raw, DefaultLimits()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
