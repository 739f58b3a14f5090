package mailparse

import (
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// newEntity is message.New read leniently: the type comes from parseParams
// (go-message's strict parser drops a whole Content-Type over one stray
// character), base64 ignores characters outside its alphabet, and the
// charset is left to the leaf, which may have to detect it. Without decode
// a leaf's body is its bytes as sent.
func newEntity(h textproto.Header, body io.Reader, decode bool) *message.Entity {
	media, _ := parseParams(h.Get("Content-Type"))
	if decode && !strings.HasPrefix(media, "multipart/") {
		// RFC 2045 section 6.4 allows only identity encodings on multiparts;
		// some mailers still declare one, which is ignored, as go-message does.
		body = transferDecoder(h.Get("Content-Transfer-Encoding"), body)
	}
	return &message.Entity{Header: message.Header{Header: h}, Body: body}
}

// transferDecoder decodes a Content-Transfer-Encoding. An unknown encoding
// leaves the bytes as they are: shown raw beats dropped.
func transferDecoder(enc string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		return newBase64Reader(r)
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// base64Reader decodes base64 as RFC 2045 section 6.8 asks: characters
// outside the alphabet (line breaks, stray punctuation a gateway added) are
// ignored, and so is padding, so that an extra "=" is no fault. Only a
// lone character left at the end is (base64.CorruptInputError).
type base64Reader struct {
	r    io.Reader
	raw  []byte // read, not yet sifted
	in   []byte // sifted characters not yet decoded (fewer than 4 between reads)
	out  []byte // decoded, not yet returned
	dec  []byte // out's storage
	err  error
	read int64 // sifted characters decoded so far, for the error's offset
}

const base64Chunk = 8 << 10

func newBase64Reader(r io.Reader) *base64Reader {
	return &base64Reader{r: r, raw: make([]byte, base64Chunk), in: make([]byte, 0, base64Chunk+4),
		dec: make([]byte, base64Chunk/4*3+3)}
}

func (d *base64Reader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		n, err := d.r.Read(d.raw)
		d.sift(d.raw[:n])
		whole := len(d.in) / 4 * 4
		if err != nil {
			whole = len(d.in)
			d.err = err
			if whole%4 == 1 {
				whole--
				d.err = base64.CorruptInputError(d.read + int64(whole))
			}
		}
		m, _ := base64.RawStdEncoding.Decode(d.dec, d.in[:whole])
		d.out, d.read = d.dec[:m], d.read+int64(whole)
		d.in = append(d.in[:0], d.in[whole:]...)
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// sift adds raw's base64 characters to d.in. It writes in place rather
// than appending byte by byte: d.in holds fewer than 4 characters between
// reads and has room for a whole chunk beside them, and every attachment
// byte passes here.
func (d *base64Reader) sift(raw []byte) {
	in := d.in[:len(d.in)+len(raw)]
	k := len(d.in)
	for _, c := range raw {
		in[k] = c
		if isBase64[c] {
			k++
		}
	}
	d.in = in[:k]
}

var isBase64 = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
		t[c] = true
	}
	return t
}()
