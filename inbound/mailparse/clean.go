package mailparse

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"inboxdesk/ticket"
)

// cleanString makes s acceptable to PostgreSQL text: valid UTF-8, no NUL.
func cleanString(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

func cleanStrings(l []string) []string {
	for i := range l {
		l[i] = cleanString(l[i])
	}
	return l
}

func cleanAddresses(l []ticket.Address) []ticket.Address {
	for i := range l {
		l[i] = cleanAddress(l[i])
	}
	return l
}

func cleanAddress(a ticket.Address) ticket.Address {
	return ticket.Address{Name: cleanString(a.Name), Email: cleanString(a.Email)}
}

// cleanInbound is the last step of Parse: whatever the steps before produced,
// every string leaving the package is storable.
func cleanInbound(in *ticket.Inbound) {
	in.MessageID = cleanString(in.MessageID)
	cleanStrings(in.InReplyTo)
	cleanStrings(in.References)
	in.From = cleanAddress(in.From)
	cleanAddresses(in.ReplyTo)
	cleanAddresses(in.To)
	cleanAddresses(in.Cc)
	in.Subject = cleanString(in.Subject)
	in.Text = cleanString(in.Text)
	in.HTML = cleanString(in.HTML)
	in.Language = cleanString(in.Language)
	in.AutoSubmitted = cleanString(in.AutoSubmitted)
	cleanStrings(in.Notes)
	for i := range in.Attachments {
		a := &in.Attachments[i]
		a.Filename, a.ContentType, a.ContentID = cleanString(a.Filename), cleanString(a.ContentType), cleanString(a.ContentID)
	}
	if b := in.Bounce; b != nil {
		cleanStrings(b.OriginalMessageIDs)
		b.Recipient, b.Status, b.Diagnostic = cleanString(b.Recipient), cleanString(b.Status), cleanString(b.Diagnostic)
	}
}

// maxFilenameLen is what most file systems accept for one name.
const maxFilenameLen = 255

// SanitizeFilename makes a sender-chosen name safe to offer for download: no
// directories, no control or bidirectional-override characters (which can
// disguise "exe.pdf" as "fdp.exe"), no leading dots; n numbers the fallback.
// Mail attachments and web uploads both go through it.
func SanitizeFilename(name string, n int, mediaType string) string {
	name = cleanString(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if name == "" {
		return fmt.Sprintf("attachment-%d%s", n, ExtensionFor(mediaType))
	}
	return truncateName(name)
}

func isBidiControl(r rune) bool {
	return r == '\u200e' || r == '\u200f' || ('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069')
}

// truncateName shortens a long name but keeps a short extension, so the file
// still opens with the right program.
func truncateName(name string) string {
	if len(name) <= maxFilenameLen {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	return truncateUTF8(name[:len(name)-len(ext)], maxFilenameLen-len(ext)) + ext
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// extensions name fallback files; a fixed table keeps names the same on
// every host (mime.ExtensionsByType reads the system's tables).
var extensions = map[string]string{
	"text/plain": ".txt", "text/html": ".html", "text/calendar": ".ics", "text/csv": ".csv",
	"text/xml": ".xml", "text/vcard": ".vcf", "text/x-vcard": ".vcf", "text/rtf": ".rtf",
	"message/rfc822": ".eml", "message/global": ".eml",
	"message/delivery-status": ".txt", "text/rfc822-headers": ".txt",
	"image/png": ".png", "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/pjpeg": ".jpg",
	"image/gif": ".gif", "image/bmp": ".bmp", "image/tiff": ".tif", "image/webp": ".webp",
	"image/svg+xml": ".svg", "image/heic": ".heic",
	"video/quicktime": ".mov", "video/mp4": ".mp4", "video/mpeg": ".mpg", "video/x-msvideo": ".avi",
	"audio/mpeg": ".mp3", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/ogg": ".ogg", "audio/mp4": ".m4a",
	"application/pdf": ".pdf", "application/zip": ".zip", "application/gzip": ".gz",
	"application/x-zip-compressed": ".zip", "application/json": ".json", "application/xml": ".xml",
	"application/rtf": ".rtf", "application/msword": ".doc", "application/vnd.ms-excel": ".xls",
	"application/vnd.ms-powerpoint": ".ppt", "application/ms-tnef": ".dat", "application/vnd.ms-tnef": ".dat",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.oasis.opendocument.text":                                   ".odt",
	"application/pgp-signature":                                                 ".asc", "application/pgp-encrypted": ".asc",
	"application/pkcs7-signature": ".p7s", "application/x-pkcs7-signature": ".p7s",
	"application/pkcs7-mime": ".p7m", "application/x-pkcs7-mime": ".p7m",
}

// ExtensionFor gives a file of mediaType its usual extension: from the
// table, else the subtype of a picture, sound or film when it is a plain
// short word (image/avif: ".avif"), else ".bin".
func ExtensionFor(mediaType string) string {
	if ext, ok := extensions[mediaType]; ok {
		return ext
	}
	top, sub, _ := strings.Cut(mediaType, "/")
	if (top == "image" || top == "audio" || top == "video") && len(sub) >= 2 && len(sub) <= 5 && isAlnum(sub) {
		return "." + sub
	}
	return ".bin"
}

func isAlnum(s string) bool {
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// typesByExtension types a file that came without a type (out of a
// winmail.dat) by its name.
var typesByExtension = map[string]string{
	".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
	".gif": "image/gif", ".txt": "text/plain", ".htm": "text/html", ".html": "text/html",
	".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".zip":  "application/zip", ".eml": "message/rfc822", ".csv": "text/csv",
}

func typeForName(name string) string {
	if t, ok := typesByExtension[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}
