package storage_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"strings"
	"testing"

	"inboxdesk/ticket"
)

// Attachments are stored byte for byte with their details, whatever their
// size, an empty one included.
func TestAttachmentsRoundTrip(t *testing.T) {
	f := newFixture(t, testConfig())
	big := bytes.Repeat([]byte{0, 0xff, 'x', '\n'}, 3<<20/4)
	in := mail("ana@example.org", "with files", "see attached")
	in.Attachments = []ticket.Attachment{
		{Filename: "logo.png", ContentType: "image/png", ContentID: "logo@x", Inline: true, Data: []byte{0x89, 'P', 'N', 'G'}},
		{Filename: "empty.txt", ContentType: "text/plain", Data: nil},
		{Filename: "dump ñ.bin", ContentType: "application/octet-stream", Data: big},
		{Filename: "streamed.bin", ContentType: "application/octet-stream", Stream: streamOf(big[:2<<20])},
	}
	tk, err := f.store.TicketByNumber(f.ctx, f.ingest(in).Ticket)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := f.store.Messages(f.ctx, tk.ID, false)
	if err != nil || len(msgs) != 1 || len(msgs[0].Attachments) != 4 {
		t.Fatalf("messages %+v %v", msgs, err)
	}
	for i, info := range msgs[0].Attachments {
		want := in.Attachments[i]
		if want.Stream != nil {
			want.Data = big[:2<<20]
		}
		got, err := f.store.Attachment(f.ctx, info.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Filename != want.Filename || got.ContentType != want.ContentType || got.ContentID != want.ContentID ||
			got.Inline != want.Inline || got.Size != int64(len(want.Data)) || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("attachment %d: got %q %q %q %v %d (%d bytes), want %q %q %q %v %d", i, got.Filename, got.ContentType,
				got.ContentID, got.Inline, got.Size, len(got.Data), want.Filename, want.ContentType, want.ContentID, want.Inline, len(want.Data))
		}
	}
	var sum []byte
	if err := f.store.Pool().QueryRow(f.ctx, `SELECT sha256 FROM attachments WHERE filename = 'dump ñ.bin'`).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256(big); !bytes.Equal(sum, want[:]) {
		t.Error("stored sha256 is not the data's")
	}
}

func streamOf(b []byte) *ticket.AttachmentStream {
	sum := sha256.Sum256(b)
	return &ticket.AttachmentStream{Size: int64(len(b)), SHA256: sum[:], Open: func() io.Reader { return bytes.NewReader(b) }}
}

// A stream that does not give the bytes it announced fails the ingest
// instead of storing a wrong file.
func TestAttachmentStreamOfWrongLengthFails(t *testing.T) {
	f := newFixture(t, testConfig())
	for _, n := range []int{999, 1001} {
		in := mail("ana@example.org", fmt.Sprint("short or long ", n), "see attached")
		st := streamOf(make([]byte, 1000))
		st.Open = func() io.Reader { return bytes.NewReader(make([]byte, n)) }
		in.Attachments = []ticket.Attachment{{Filename: "x.bin", ContentType: "application/octet-stream", Stream: st}}
		_, err := f.store.IngestBatch(f.ctx, f.cp, []ticket.Mail{{UID: f.uid + 1, Raw: []byte("raw"), Parsed: in}})
		if err == nil || !strings.Contains(err.Error(), "announced") {
			t.Errorf("stream of %d bytes for 1000 announced: err = %v", n, err)
		}
	}
}
