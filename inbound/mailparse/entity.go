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
		return base64.NewDecoder(base64.RawStdEncoding, &base64Alphabet{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// base64Alphabet passes on only the characters of the base64 alphabet. RFC
// 2045 section 6.8 has a decoder ignore any other (line breaks, stray
// punctuation a gateway added); padding is dropped too, so that an extra
// "=" is no fault (the decoder reads unpadded base64).
type base64Alphabet struct {
	r io.Reader
}

func (b *base64Alphabet) Read(p []byte) (int, error) {
	for {
		n, err := b.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if isBase64[c] {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

var isBase64 = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
		t[c] = true
	}
	return t
}()
