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

// ExtensionFor is the file extension (with its dot) for a media type, ".bin"
// for one not listed; a fixed table keeps names the same on every host
// (mime.ExtensionsByType reads the system's tables).
func ExtensionFor(mediaType string) string {
	switch mediaType {
	case "text/plain":
		return ".txt"
	case "text/html":
		return ".html"
	case "text/calendar":
		return ".ics"
	case "message/rfc822", "message/global":
		return ".eml"
	case "message/delivery-status", "text/rfc822-headers":
		return ".txt"
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "application/pdf":
		return ".pdf"
	}
	return ".bin"
}
