package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"inboxdesk/inbound/mailparse"
)

// BenchmarkParse measures the parser alone on the ingest figure's two kinds
// of mail (about 20 KB of text, and that with a 200 KB attachment): the
// part of ingest that is CPU, free of the IMAP server's and database's
// noise (go test ./bench -run NONE -bench Parse).
func BenchmarkParse(b *testing.B) {
	for _, attach := range []int{0, 200_000} {
		raw := corpusMail(rand.New(rand.NewPCG(1, 2)), 1, 20_000, attach)
		b.Run(fmt.Sprintf("attachment=%d", attach), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := mailparse.Parse(raw, mailparse.DefaultLimits()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
