package web

import (
	"fmt"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	xcatalog "golang.org/x/text/message/catalog"
)

// pluralOne marks, in a flattened catalog, the "one" form of a message whose
// wording depends on a number; the message's own key holds its "other" form.
// In the catalog such a message has its One form (lang.Message).
const pluralOne = "\x00one"

// printer formats lang's numbers ("10,0 MB" in Spanish) and its plural
// messages by the language's plural rules (golang.org/x/text/message).
func printer(lang string, c catalog) (*message.Printer, error) {
	tag := language.Make(lang)
	b := xcatalog.NewBuilder(xcatalog.Fallback(tag))
	for key, one := range c {
		if !strings.HasSuffix(key, pluralOne) {
			continue
		}
		key = strings.TrimSuffix(key, pluralOne)
		if err := b.Set(tag, key, plural.Selectf(1, "%d", "one", one, "other", c[key])); err != nil {
			return nil, fmt.Errorf("translation %s: %q: %w", lang, key, err)
		}
	}
	return message.NewPrinter(tag, message.Catalog(b)), nil
}

// formatSize writes a size in bytes the way p's language writes numbers.
func formatSize(p *message.Printer, n int64) string {
	switch {
	case n >= 1<<20:
		return p.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return p.Sprintf("%d KB", (n+1023)>>10)
	default:
		return p.Sprintf("%d B", n)
	}
}
