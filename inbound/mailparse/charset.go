package mailparse

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"github.com/saintfish/chardet"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// guessed are the charsets undeclared 8-bit text is tried in, most common
// first: what mailers in China, Japan, Korea and Taiwan and Windows in the
// West send without saying so.
var guessed = []struct {
	name string // as the detector names it
	enc  encoding.Encoding
}{
	{"GB-18030", simplifiedchinese.GB18030},
	{"Shift_JIS", japanese.ShiftJIS},
	{"EUC-KR", korean.EUCKR},
	{"Big5", traditionalchinese.Big5},
	{"windows-1252", charmap.Windows1252},
}

// toUTF8 decodes text whose charset may be undeclared or wrong: valid UTF-8
// without a declaration stays; then each declared charset in hints (the
// part's, then the message's) is tried; ISO-2022-JP escapes are read as
// such; failing all, the charset is detected among the guessed ones. A
// charset "decodes" b when it yields no replacement character b did not
// hold. Returns b unchanged when nothing fits (cleanString marks the bytes).
func toUTF8(b []byte, hints ...string) []byte {
	if isASCII(b) {
		return b
	}
	for _, cs := range hints {
		if cs == "" {
			continue
		}
		if out, ok := decodeStrict(cs, b); ok {
			return out
		}
	}
	if bytes.Contains(b, []byte("\x1b$")) {
		if out, ok := decodeEnc(japanese.ISO2022JP, b); ok {
			return out
		}
	}
	if utf8.Valid(b) {
		return b
	}
	if out, ok := detect(b); ok {
		return out
	}
	return b
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 || c == 0x1b {
			return false
		}
	}
	return true
}

// decodeStrict decodes b from cs, reporting whether that was clean. A 7-bit
// charset (ISO-2022-JP, US-ASCII) cannot hold 8-bit bytes: a word so
// declared is in another charset (Shift_JIS, most often), and fails here.
func decodeStrict(cs string, b []byte) ([]byte, bool) {
	switch strings.ToLower(cs) {
	case "utf-8", "utf8":
		return b, utf8.Valid(b)
	case "us-ascii", "ascii", "iso-2022-jp", "csiso2022jp":
		if !is7bit(b) {
			return nil, false
		}
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(r)
	return out, err == nil && cleanDecode(b, out)
}

func is7bit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func decodeEnc(enc encoding.Encoding, b []byte) ([]byte, bool) {
	out, err := enc.NewDecoder().Bytes(b)
	return out, err == nil && cleanDecode(b, out)
}

// cleanDecode reports whether decoding in to out added no replacement
// characters (nor C1 controls, which windows-1252 text never holds).
func cleanDecode(in, out []byte) bool {
	if bytes.Count(out, []byte("\uFFFD")) > bytes.Count(in, []byte("\uFFFD")) {
		return false
	}
	for _, r := range string(out) {
		if r >= 0x80 && r < 0xa0 {
			return false
		}
	}
	return true
}

// detect picks among the guessed charsets. Mostly-UTF-8 text with a few
// stray bytes (a Latin-1 line pasted into UTF-8) is repaired rather than
// re-read. A lone 8-bit byte between ASCII ones (an accented letter in a
// name) is far likelier windows-1252 than half of a Chinese character. Text
// shaped like GB2312 (every byte pair in A1-FE) is GB18030 unless the
// detector is sure it is Korean: Big5 text rarely has that shape, and on a
// short string the detector's statistics mislead. Otherwise the detector's
// ranking decides, then the order of guessed.
func detect(b []byte) ([]byte, bool) {
	if out, ok := repairUTF8(b); ok {
		return out, true
	}
	if isolatedHighBytes(b) {
		if out, ok := decodeEnc(charmap.Windows1252, b); ok {
			return out, true
		}
	}
	results, _ := chardet.NewTextDetector().DetectAll(b)
	if gb2312Shaped(b) {
		if len(results) > 0 && results[0].Charset == "EUC-KR" && results[0].Confidence >= 50 {
			if out, ok := decodeEnc(korean.EUCKR, b); ok {
				return out, true
			}
		}
		if out, ok := decodeEnc(simplifiedchinese.GB18030, b); ok {
			return out, true
		}
	}
	// The detector returns ties in no fixed order; break them the same way
	// every time. Not GB2312-shaped, GB18030 is the least likely.
	slices.SortStableFunc(results, func(a, b chardet.Result) int {
		if a.Confidence != b.Confidence {
			return b.Confidence - a.Confidence
		}
		return slices.Index(tieOrder, a.Charset) - slices.Index(tieOrder, b.Charset)
	})
	var order []encoding.Encoding
	for _, r := range results {
		for _, g := range guessed {
			if strings.EqualFold(r.Charset, g.name) {
				order = append(order, g.enc)
			}
		}
	}
	for _, g := range guessed {
		order = append(order, g.enc)
	}
	for _, enc := range order {
		if out, ok := decodeEnc(enc, b); ok {
			return out, true
		}
	}
	return nil, false
}

var tieOrder = []string{"Shift_JIS", "Big5", "EUC-KR", "windows-1252", "GB-18030"}

// repairUTF8 decodes b as UTF-8 when at least two thirds of its 8-bit bytes
// form valid sequences, reading each stray byte as windows-1252.
func repairUTF8(b []byte) ([]byte, bool) {
	valid, stray := 0, 0
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			stray++
		} else {
			valid += n
		}
		i += n
	}
	if valid < 2*stray || valid == 0 {
		return nil, false
	}
	out := make([]byte, 0, len(b)+stray)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			r = charmap.Windows1252.DecodeByte(b[i])
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out, true
}

// gb2312Shaped reports whether b's 8-bit bytes all come in pairs within
// A1-FE, as GB2312 (and EUC-KR) text does.
func gb2312Shaped(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			continue
		}
		if b[i] < 0xa1 || b[i] == 0xff || i+1 >= len(b) || b[i+1] < 0xa1 || b[i+1] == 0xff {
			return false
		}
		i++
	}
	return true
}

// isolatedHighBytes reports whether every 8-bit byte of b stands between
// 7-bit ones.
func isolatedHighBytes(b []byte) bool {
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		if (i > 0 && b[i-1] >= 0x80) || (i+1 < len(b) && b[i+1] >= 0x80) {
			return false
		}
	}
	return true
}

// detectName names the charset detect would read b in ("" when none fits
// or b needs no charset).
func detectName(b []byte) string {
	out, ok := detect(b)
	if !ok {
		return ""
	}
	for _, g := range guessed {
		if dec, ok := decodeEnc(g.enc, b); ok && bytes.Equal(dec, out) {
			return g.name
		}
	}
	return "" // repaired UTF-8: each field repairs itself
}
