// Package lang decides which language a customer is spoken to in, from what
// the customer actually used. The order, first that is known wins:
//
//  1. an explicit choice (the customer's own setting, or an agent's on the ticket);
//  2. the language of the last page the site served them;
//  3. the language of their latest mail: its Content-Language or
//     Accept-Language header, else the language its text is written in
//     when detection is confident (Detect);
//  4. the configured default.
//
// The package is pure: it knows no SQL, HTTP or mail format.
package lang

import (
	"io/fs"
	"slices"
	"strings"
)

// Supported are the languages every page, alert and push text exists in:
// those the catalog has a file for (see messageFS).
var Supported = catalogLanguages()

// catalogLanguages lists the languages of the embedded catalog by file name;
// Load checks that each is complete.
func catalogLanguages() []string {
	files, err := fs.Glob(messageFS, "messages/*.json")
	if err != nil {
		panic(err) // only a malformed pattern fails, and this one is fixed
	}
	var out []string
	for _, f := range files {
		out = append(out, languageOf(f))
	}
	return out
}

// Agents is the language of agents' notices, by mail and by push: an alert
// job carries its customer's language, not the agent's.
const Agents = "en"

// Normalize returns the supported language tag names ("es-MX", "ES_es" and
// "es" are all "es"), or "" when tag names none.
func Normalize(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if slices.Contains(Supported, tag) {
		return tag
	}
	return ""
}

// Sources are what is known about one customer's language, each "" when
// unknown (see the package comment for what each is).
type Sources struct {
	Choice string // set by the customer or an agent
	Site   string // the last page served to the customer
	Mail   string // the customer's latest mail (OfMail)
}

// Resolve returns the language to speak to the customer in: the first known
// of s.Choice, s.Site and s.Mail, else def. A value that names no supported
// language counts as unknown.
func Resolve(s Sources, def string) string {
	for _, l := range []string{s.Choice, s.Site, s.Mail} {
		if n := Normalize(l); n != "" {
			return n
		}
	}
	return Normalize(def)
}

// OfMail is the language of a mail: header (its Content-Language or
// Accept-Language, already read by the parser) when it names a supported
// language, else the detected language of its subject and text, else "".
func OfMail(header, subject, text string) string {
	if n := Normalize(header); n != "" {
		return n
	}
	// Detect reads the opening alone: a long text is not copied whole.
	return Detect(subject + "\n" + text[:min(len(text), maxDetectBytes)])
}
