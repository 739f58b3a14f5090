package lang

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// messageFS holds every text inboxdesk shows or sends — pages, alerts, push
// notifications, code and invitation mails, agents' notices — one file per
// language, messages/LANG.json. Adding a language is adding its file: it
// becomes Supported, and Load refuses it until it says everything English says.
//
//go:embed messages/*.json
var messageFS embed.FS

// fallback is the language every other is checked against, and the one a
// message is taken from when a caller names a language the catalog lacks.
const fallback = "en"

// Message is one entry of a catalog: a text, a fmt format when it takes
// arguments. A counted message (its wording depends on a number) also has
// the form for one; Text is then the form for any other number.
type Message struct {
	Text string
	One  string // "" when the message is not counted
	args int    // how many arguments the message takes
}

// Catalog is every language's messages, checked complete by Load. It is
// read-only and safe for concurrent use.
type Catalog struct {
	langs map[string]map[string]Message
}

// Messages returns the embedded catalog, loaded and checked on first use;
// serve calls it before anything else so that an incomplete catalog stops
// start-up rather than a page or an alert.
var Messages = sync.OnceValues(func() (*Catalog, error) { return Load(messageFS) })

// Load reads messages/LANG.json from fsys and checks that every language has
// exactly the keys English has, with the same placeholders.
func Load(fsys fs.FS) (*Catalog, error) {
	files, err := fs.Glob(fsys, "messages/*.json")
	if err != nil {
		return nil, fmt.Errorf("language catalog: %w", err)
	}
	c := &Catalog{langs: map[string]map[string]Message{}}
	for _, f := range files {
		msgs, err := readMessages(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("language catalog %s: %w", f, err)
		}
		c.langs[languageOf(f)] = msgs
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("language catalog: %w", err)
	}
	return c, nil
}

// languageOf names the language of catalog file f (messages/es.json: es).
func languageOf(f string) string { return strings.TrimSuffix(path.Base(f), ".json") }

func readMessages(fsys fs.FS, file string) (map[string]Message, error) {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	msgs := make(map[string]Message, len(raw))
	for k, v := range raw {
		m, err := parseMessage(k, v)
		if err != nil {
			return nil, err
		}
		msgs[k] = m
	}
	return msgs, nil
}

// parseMessage reads one value: a string, or the {"one", "other"} forms of
// a counted message.
func parseMessage(key string, raw json.RawMessage) (Message, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return Message{Text: s}, nil
	}
	var forms struct{ One, Other string }
	if err := json.Unmarshal(raw, &forms); err != nil || forms.One == "" || forms.Other == "" {
		return Message{}, fmt.Errorf("%q: want a string or {\"one\": …, \"other\": …}", key)
	}
	return Message{Text: forms.Other, One: forms.One}, nil
}

// check compares every language with English: the same keys, and in each
// form of each message the same placeholders (argument and verb), so that no
// translation prints "%!d(MISSING)" or drops what it was given.
func (c *Catalog) check() error {
	en, ok := c.langs[fallback]
	if !ok {
		return fmt.Errorf("no %s.json", fallback)
	}
	for key, m := range en {
		want := placeholders(m.Text)
		for _, l := range c.Languages() {
			if err := checkMessage(c.langs[l], l, key, want); err != nil {
				return err
			}
		}
	}
	for _, l := range c.Languages() {
		for key := range c.langs[l] {
			if _, ok := en[key]; !ok {
				return fmt.Errorf("%s: %q is not a key of %s", l, key, fallback)
			}
		}
	}
	return nil
}

func checkMessage(msgs map[string]Message, l, key string, want map[int]string) error {
	m, ok := msgs[key]
	if !ok {
		return fmt.Errorf("%s: no %q", l, key)
	}
	forms := []string{m.Text}
	if m.One != "" {
		forms = append(forms, m.One)
	}
	for _, f := range forms {
		if f == "" {
			return fmt.Errorf("%s: %q is empty", l, key)
		}
		if got := placeholders(f); !maps.Equal(got, want) {
			return fmt.Errorf("%s: %q has placeholders %v, %s has %v", l, key, describe(got), fallback, describe(want))
		}
	}
	if len(want) > 0 {
		m.args = slices.Max(slices.Collect(maps.Keys(want)))
	}
	msgs[key] = m
	return nil
}

// verb matches one fmt directive: an optional explicit argument index,
// flags, width and precision, and the verb (or "%%").
var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// placeholders maps each argument a format uses (1-based, as fmt's [n]) to
// its verb, following fmt: an argument index sets the next argument.
func placeholders(format string) map[int]string {
	out := map[int]string{}
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(m[1]) // the pattern admits digits only
		}
		out[next] = m[2]
		next++
	}
	return out
}

func describe(p map[int]string) string {
	var parts []string
	for _, i := range slices.Sorted(maps.Keys(p)) {
		parts = append(parts, fmt.Sprintf("%d:%%%s", i, p[i]))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Defines reports whether key is a message (of every language, as Load checked).
func (c *Catalog) Defines(key string) bool {
	_, ok := c.langs[fallback][key]
	return ok
}

// Languages are the catalog's languages, sorted.
func (c *Catalog) Languages() []string { return slices.Sorted(maps.Keys(c.langs)) }

// Has reports whether the catalog speaks l.
func (c *Catalog) Has(l string) bool {
	_, ok := c.langs[l]
	return ok
}

// All returns a copy of l's messages (nil when the catalog lacks l).
func (c *Catalog) All(l string) map[string]Message {
	if !c.Has(l) {
		return nil
	}
	return maps.Clone(c.langs[l])
}

// Text is key's text in l (in English when the catalog lacks l), or
// "[key]" when no language has key — visible, never empty.
func (c *Catalog) Text(l, key string) string {
	m, ok := c.message(l, key)
	if !ok {
		return "[" + key + "]"
	}
	return m.Text
}

// Format is key's text in l formatted with args. A message is given only as
// many of args as it takes, so a caller that fills a family of messages (one
// per alert reason, say) passes what the widest takes; that all languages
// take the same was checked by Load.
func (c *Catalog) Format(l, key string, args ...any) string {
	m, ok := c.message(l, key)
	if !ok {
		return "[" + key + "]"
	}
	if m.args == 0 {
		return m.Text
	}
	return fmt.Sprintf(m.Text, args[:min(m.args, len(args))]...)
}

func (c *Catalog) message(l, key string) (Message, bool) {
	if !c.Has(l) {
		l = fallback
	}
	m, ok := c.langs[l][key]
	return m, ok
}
