package mailparse

import (
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf16"
)

// TNEF (MS-OXTNEF) is how Outlook wraps a message's files in one
// winmail.dat that only Outlook opens. Its files are unpacked beside it.

const tnefSignature = 0x223e9f78

// TNEF attribute ids (level 2, attachment).
const (
	attAttachRendData = 0x00069002 // starts an attachment
	attAttachTitle    = 0x00018010 // its 8.3 name
	attAttachData     = 0x0006800f // its bytes
	attAttachment     = 0x00069005 // its MAPI properties (the long name)
)

const prAttachLongFilename = 0x3707

type tnefFile struct {
	name string
	data []byte
}

var errTNEF = errors.New("not a TNEF stream")

func isTNEF(media, filename string) bool {
	return media == "application/ms-tnef" || media == "application/vnd.ms-tnef" ||
		strings.EqualFold(filename, "winmail.dat")
}

// unpackTNEF returns the files of a TNEF stream, at most max of them. A
// stream cut short yields the files read whole before the cut.
func unpackTNEF(b []byte, max int) ([]tnefFile, error) {
	if len(b) < 6 || binary.LittleEndian.Uint32(b) != tnefSignature {
		return nil, errTNEF
	}
	b = b[6:] // signature, legacy key
	var files []tnefFile
	var cur *tnefFile
	flush := func() {
		if cur != nil && cur.data != nil {
			files = append(files, *cur)
		}
		cur = nil
	}
	for len(b) >= 9 && len(files) < max {
		level, id, n := b[0], binary.LittleEndian.Uint32(b[1:]), binary.LittleEndian.Uint32(b[5:])
		if uint64(n)+11 > uint64(len(b)) {
			break
		}
		data := b[9 : 9+n]
		b = b[9+n+2:] // data, checksum
		if level != 2 {
			continue
		}
		switch id {
		case attAttachRendData:
			flush()
			cur = &tnefFile{}
		case attAttachTitle:
			if cur != nil && cur.name == "" {
				cur.name = strings.TrimRight(string(data), "\x00")
			}
		case attAttachData:
			if cur != nil {
				cur.data = data
			}
		case attAttachment:
			if cur != nil {
				if long := mapiLongFilename(data); long != "" {
					cur.name = long
				}
			}
		}
	}
	flush()
	return files, nil
}

// mapiLongFilename finds PR_ATTACH_LONG_FILENAME in a MAPI property list
// (MS-OXTNEF 2.1.3.4), "" when absent or the list is unreadable.
func mapiLongFilename(b []byte) string {
	r := mapiReader{b: b}
	count := r.u32()
	for i := uint32(0); i < count && r.ok(); i++ {
		typ, id := r.u16(), r.u16()
		if id >= 0x8000 { // named property: GUID, kind, then an id or a name
			r.skip(16)
			if r.u32() == 0 {
				r.skip(4)
			} else {
				r.skip(pad4(int(r.u32())))
			}
		}
		values := r.values(typ)
		if id == prAttachLongFilename && len(values) > 0 && r.ok() {
			return mapiString(typ, values[0])
		}
	}
	return ""
}

func mapiString(typ uint16, v []byte) string {
	if typ&0x0fff == 0x001f { // PT_UNICODE: UTF-16LE
		u := make([]uint16, 0, len(v)/2)
		for i := 0; i+1 < len(v); i += 2 {
			u = append(u, binary.LittleEndian.Uint16(v[i:]))
		}
		return strings.TrimRight(string(utf16.Decode(u)), "\x00")
	}
	return strings.TrimRight(string(v), "\x00")
}

type mapiReader struct {
	b   []byte
	bad bool
}

func (r *mapiReader) ok() bool { return !r.bad }

func (r *mapiReader) take(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *mapiReader) skip(n int) { r.take(n) }

func (r *mapiReader) u16() uint16 {
	if v := r.take(2); v != nil {
		return binary.LittleEndian.Uint16(v)
	}
	return 0
}

func (r *mapiReader) u32() uint32 {
	if v := r.take(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

// values reads the value(s) of one property of type typ.
func (r *mapiReader) values(typ uint16) [][]byte {
	base, multi := typ&0x0fff, typ&0x1000 != 0
	fixed := map[uint16]int{0x0002: 4, 0x0003: 4, 0x0004: 4, 0x000a: 4, 0x000b: 4,
		0x0005: 8, 0x0006: 8, 0x0007: 8, 0x0014: 8, 0x0040: 8, 0x0048: 16}
	if size, ok := fixed[base]; ok && !multi {
		return [][]byte{r.take(size)}
	}
	n := r.u32()
	var out [][]byte
	for i := uint32(0); i < n && r.ok(); i++ {
		if size, ok := fixed[base]; ok {
			out = append(out, r.take(size))
			continue
		}
		size := int(r.u32())
		v := r.take(size)
		r.skip(pad4(size) - size)
		out = append(out, v)
	}
	return out
}

func pad4(n int) int { return (n + 3) &^ 3 }
