package mailparse

import (
	"bytes"
	"io"
	"maps"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/emersion/go-message/charset"
)

// maxContinuations bounds RFC 2231 continuations of one parameter.
const maxContinuations = 1000

// parseParams parses a Content-Type or Content-Disposition value into its
// lower-case value and parameters. The standard parser is tried first. Where
// it fails (unquoted spaces, stray quotes) the lenient parser fills in; where
// RFC 2231 syntax is used the lenient parser wins, because the standard one
// drops or garbles values in charsets other than UTF-8, such as
// filename*=iso-8859-1'de'%DCbersicht.pdf.
func parseParams(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	value, params, err := mime.ParseMediaType(v)
	extended := strings.Contains(v, "*=")
	if err == nil && !extended {
		return value, params
	}
	if value == "" {
		value, v = splitValue(v)
	}
	if params == nil {
		params = map[string]string{}
	}
	for k, val := range lenientParams(v) {
		if _, ok := params[k]; extended || !ok {
			params[k] = val
		}
	}
	return value, params
}

// splitValue cuts the value off a header value the standard parser refused.
// A parameter whose ";" is missing ("text/plain charset=utf-8") is not part
// of the value: the value ends at white space, and what follows it is read
// as the first parameter.
func splitValue(v string) (value, withParams string) {
	first, rest, _ := strings.Cut(v, ";")
	first = strings.TrimSpace(first)
	if i := strings.IndexAny(first, " \t\r\n"); i >= 0 && strings.Contains(first[i:], "=") {
		return strings.ToLower(first[:i]), first[:i] + ";" + first[i:] + ";" + rest
	}
	return strings.ToLower(first), v
}

// rawParam is one "key=value" of a header value, before RFC 2231 assembly.
type rawParam struct {
	name    string // without the "*N*" suffix
	section int    // -1 when not a continuation
	encoded bool   // a trailing "*": percent-encoded, the first with charset''
	value   string
}

// lenientParams splits on semicolons outside quotes and assembles RFC 2231
// extended and continued values, decoding their charset.
func lenientParams(v string) map[string]string {
	plain := map[string]string{}
	ext := map[string]map[int]rawParam{}
	for _, piece := range splitQuoted(v, ';')[1:] {
		p, ok := parseRawParam(piece)
		switch {
		case !ok:
		case p.section < 0 && !p.encoded:
			plain[p.name] = p.value
		default:
			if ext[p.name] == nil {
				ext[p.name] = map[int]rawParam{}
			}
			ext[p.name][max(p.section, 0)] = p
		}
	}
	for name, sections := range ext {
		plain[name] = joinSections(sections)
	}
	return plain
}

func parseRawParam(piece string) (rawParam, bool) {
	key, value, ok := strings.Cut(piece, "=")
	key = strings.ToLower(strings.TrimSpace(key))
	if !ok || key == "" {
		return rawParam{}, false
	}
	p := rawParam{section: -1, value: unquote(strings.TrimSpace(value))}
	if strings.HasSuffix(key, "*") {
		p.encoded, key = true, strings.TrimSuffix(key, "*")
	}
	if name, num, found := strings.Cut(key, "*"); found {
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 || n >= maxContinuations {
			return rawParam{}, false
		}
		key, p.section = name, n
	}
	p.name = key
	return p, key != ""
}

// joinSections concatenates continuations in order, percent-decoding the
// encoded ones, and converts the whole from the charset named by the first.
func joinSections(sections map[int]rawParam) string {
	var raw bytes.Buffer
	cs := ""
	for i, n := range slices.Sorted(maps.Keys(sections)) {
		p := sections[n]
		val := p.value
		if p.encoded && i == 0 {
			cs, val = splitCharset(val)
		}
		if p.encoded {
			if dec, err := url.PathUnescape(val); err == nil {
				val = dec
			}
		}
		raw.WriteString(val)
	}
	return convertCharset(cs, raw.Bytes())
}

// splitCharset splits "charset'language'value".
func splitCharset(v string) (cs, value string) {
	parts := strings.SplitN(v, "'", 3)
	if len(parts) != 3 {
		return "", v
	}
	return parts[0], parts[2]
}

func convertCharset(cs string, b []byte) string {
	switch strings.ToLower(cs) {
	case "", "utf-8", "us-ascii":
		return string(b)
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		return string(b)
	}
	out, _ := io.ReadAll(r)
	return string(out)
}

func unquote(v string) string {
	if len(v) < 2 || v[0] != '"' {
		return v
	}
	v = strings.TrimSuffix(v[1:], `"`)
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// splitQuoted splits v on sep outside double quotes.
func splitQuoted(v string, sep byte) []string {
	var parts []string
	quoted, start := false, 0
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '\\' && quoted:
			i++
		case v[i] == '"':
			quoted = !quoted
		case v[i] == sep && !quoted:
			parts = append(parts, v[start:i])
			start = i + 1
		}
	}
	return append(parts, v[start:])
}
