package mailparse

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"slices"
	"testing"
	"unicode/utf16"
)

// tnefWriter builds a TNEF stream the way Outlook lays one out.
type tnefWriter struct{ bytes.Buffer }

func newTNEF() *tnefWriter {
	w := &tnefWriter{}
	binary.Write(w, binary.LittleEndian, uint32(tnefSignature))
	binary.Write(w, binary.LittleEndian, uint16(0x0001))
	return w
}

func (w *tnefWriter) attr(level byte, id uint32, data []byte) {
	w.WriteByte(level)
	binary.Write(w, binary.LittleEndian, id)
	binary.Write(w, binary.LittleEndian, uint32(len(data)))
	w.Write(data)
	var sum uint16
	for _, c := range data {
		sum += uint16(c)
	}
	binary.Write(w, binary.LittleEndian, sum)
}

// longName is a MAPI property list holding PR_ATTACH_LONG_FILENAME in
// UTF-16, after a fixed-size property to step over.
func longName(name string) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	le(uint32(2))
	le(uint16(0x0003)) // PT_LONG
	le(uint16(0x0e21))
	le(uint32(7))
	le(uint16(0x001f)) // PT_UNICODE
	le(uint16(prAttachLongFilename))
	le(uint32(1))
	u := append(utf16.Encode([]rune(name)), 0)
	le(uint32(len(u) * 2))
	for _, c := range u {
		le(c)
	}
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	return b.Bytes()
}

func TestWinmailDatIsUnpackedAndKept(t *testing.T) {
	w := newTNEF()
	w.attr(1, 0x00089006, []byte{0, 0, 0, 0}) // a message-level attribute, skipped
	w.attr(2, attAttachRendData, make([]byte, 14))
	w.attr(2, attAttachTitle, []byte("QUARTE~1.PDF\x00"))
	w.attr(2, attAttachData, []byte("%PDF-1.4 quarterly"))
	w.attr(2, attAttachment, longName("Quarterly report 2026.pdf"))
	w.attr(2, attAttachRendData, make([]byte, 14))
	w.attr(2, attAttachTitle, []byte("photo.jpg\x00"))
	w.attr(2, attAttachData, []byte("\xff\xd8jpeg"))
	dat := w.Bytes()
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: multipart/mixed; boundary=m", "",
		"--m", "Content-Type: text/plain", "", "files attached",
		"--m", `Content-Type: application/ms-tnef; name="winmail.dat"`, "Content-Transfer-Encoding: base64", "",
		base64.StdEncoding.EncodeToString(dat), "--m--"))
	var got []string
	for _, a := range in.Attachments {
		got = append(got, a.Filename+" "+a.ContentType+" "+string(a.Data))
	}
	want := []string{"winmail.dat application/ms-tnef " + string(dat),
		"Quarterly report 2026.pdf application/pdf %PDF-1.4 quarterly", "photo.jpg image/jpeg \xff\xd8jpeg"}
	if !slices.Equal(got, want) {
		t.Errorf("attachments\n got %q\nwant %q", got, want)
	}
}

func TestBrokenTNEFKeepsTheOriginal(t *testing.T) {
	w := newTNEF()
	w.attr(2, attAttachRendData, make([]byte, 14))
	w.attr(2, attAttachTitle, []byte("a.txt\x00"))
	w.attr(2, attAttachData, []byte("whole file"))
	dat := w.Bytes()
	cut := append(append([]byte(nil), dat...), 2, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0x7f) // a huge length, cut short
	for _, b := range [][]byte{cut, []byte("not tnef at all")} {
		in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: multipart/mixed; boundary=m", "",
			"--m", "Content-Type: text/plain", "", "hi",
			"--m", `Content-Type: application/vnd.ms-tnef; name="winmail.dat"`, "Content-Transfer-Encoding: base64", "",
			base64.StdEncoding.EncodeToString(b), "--m--"))
		if len(in.Attachments) == 0 || !bytes.Equal(in.Attachments[0].Data, b) {
			t.Fatalf("original lost: %+v", in.Attachments)
		}
		if bytes.Equal(b, cut) && (len(in.Attachments) != 2 || string(in.Attachments[1].Data) != "whole file") {
			t.Errorf("the whole file before the cut: %+v", in.Attachments)
		}
	}
}

func FuzzUnpackTNEF(f *testing.F) {
	w := newTNEF()
	w.attr(2, attAttachRendData, nil)
	w.attr(2, attAttachment, longName("x.pdf"))
	w.attr(2, attAttachData, []byte("d"))
	f.Add(w.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = unpackTNEF(b, 100)
	})
}
