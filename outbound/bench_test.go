package outbound

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/emersion/go-smtp"

	"inboxdesk/ticket"
)

// The figure for issue 3 is BenchmarkSendLoop's alerts/s beside
// BenchmarkBareSMTP's msgs/s: both send to the same local sink over one
// connection; the loop also claims, composes, signs and records each alert.

func BenchmarkSendLoop(b *testing.B) {
	f := newSenderFixture(b, func(c *SenderConfig) {
		c.BatchSize = 100
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) // formatted, not kept
	})
	f.sink.discard = true
	jobs := make([]ticket.AlertJob, b.N)
	for i := range jobs {
		jobs[i] = jobN(int64(i + 1))
	}
	f.queue.add(jobs...)
	b.ResetTimer()
	for sent := 0; sent < b.N; {
		n, err := f.sender.RunOnce(context.Background())
		if err != nil || n == 0 {
			b.Fatalf("RunOnce = %d, %v", n, err)
		}
		sent += n
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "alerts/s")
}

func BenchmarkBareSMTP(b *testing.B) {
	s := newSink(b)
	s.discard = true
	raw, err := testComposer(b).Compose(testJob())
	if err != nil {
		b.Fatal(err)
	}
	c, err := smtp.Dial(s.addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if err := c.SendMail("no-reply@example.com", []string{"alice@example.org"}, bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
