package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"slices"
	"text/template/parse"

	"golang.org/x/text/message"

	"inboxdesk/lang"
)

//go:embed templates/*.html static/*
var assets embed.FS

// viewNames are the pages; each is templates/NAME.html defining "title" and
// "content", rendered inside templates/layout.html. parseViews fails at
// start-up if one is missing, so a typo cannot wait for a visitor.
var viewNames = []string{"error", "link", "code", "login", "my", "ticket", "settings",
	"agent_login", "agent_queue", "agent_ticket", "agent_quarantine", "agent_team", "agent_invite", "agent_canned", "agent_notify", "agent_tokens", "agent_webhooks"}

// sharedFiles are parsed with every view.
var sharedFiles = []string{"templates/layout.html", "templates/parts.html"}

// views holds every view parsed once per language, and the translations.
type views struct {
	byLang   map[string]map[string]*template.Template
	catalogs map[string]catalog
}

// catalog maps a message key to its text (a fmt format when it takes arguments).
type catalog map[string]string

// notice is a message to show: a catalog key and its arguments.
type notice struct {
	Key  string
	Args []any
}

func note(key string, args ...any) *notice { return &notice{Key: key, Args: args} }

func parseViews(funcs template.FuncMap) (*views, error) {
	cats, err := loadCatalogs()
	if err != nil {
		return nil, err
	}
	v := &views{byLang: map[string]map[string]*template.Template{}, catalogs: cats}
	for lang, cat := range cats {
		v.byLang[lang] = map[string]*template.Template{}
		p, err := printer(lang, cat)
		if err != nil {
			return nil, err
		}
		for _, name := range viewNames {
			t, err := parseView(name, withLanguage(funcs, cat, p))
			if err != nil {
				return nil, err
			}
			if err := checkKeys(t, cats["en"]); err != nil {
				return nil, fmt.Errorf("view %s: %w", name, err)
			}
			v.byLang[lang][name] = t
		}
	}
	return v, nil
}

func parseView(name string, funcs template.FuncMap) (*template.Template, error) {
	file := "templates/" + name + ".html"
	if _, err := fs.Stat(assets, file); err != nil {
		return nil, fmt.Errorf("view %s: %w", name, err)
	}
	t, err := template.New(name).Funcs(funcs).ParseFS(assets, append([]string{file}, sharedFiles...)...)
	if err != nil {
		return nil, fmt.Errorf("view %s: %w", name, err)
	}
	for _, want := range []string{"layout", "title", "content"} {
		if t.Lookup(want) == nil {
			return nil, fmt.Errorf("view %s: no template %q", name, want)
		}
	}
	return t, nil
}

// loadCatalogs takes every language's messages from the shared catalog
// (checked complete there), flattened for the templates' t and tf.
func loadCatalogs() (map[string]catalog, error) {
	all, err := lang.Messages()
	if err != nil {
		return nil, err
	}
	cats := map[string]catalog{}
	for _, l := range all.Languages() {
		c := catalog{}
		for key, m := range all.All(l) {
			c[key] = m.Text
			if m.One != "" {
				c[key+pluralOne] = m.One
			}
		}
		cats[l] = c
	}
	return cats, nil
}

// checkKeys fails when a template calls t or tf with a literal key the
// catalog lacks.
func checkKeys(t *template.Template, cat catalog) error {
	for _, tt := range t.Templates() {
		if tt.Tree == nil {
			continue
		}
		var missing []string
		walk(tt.Tree.Root, func(c *parse.CommandNode) {
			if len(c.Args) < 2 {
				return
			}
			id, ok := c.Args[0].(*parse.IdentifierNode)
			key, isStr := c.Args[1].(*parse.StringNode)
			if ok && isStr && (id.Ident == "t" || id.Ident == "tf") {
				if _, found := cat[key.Text]; !found {
					missing = append(missing, key.Text)
				}
			}
		})
		if len(missing) > 0 {
			return fmt.Errorf("template %s: untranslated keys %v", tt.Name(), missing)
		}
	}
	return nil
}

func walk(n parse.Node, fn func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walk(c, fn)
			}
		}
	case *parse.ActionNode:
		walk(n.Pipe, fn)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				fn(c)
				for _, a := range c.Args {
					walk(a, fn)
				}
			}
		}
	case *parse.IfNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.RangeNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.WithNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.TemplateNode:
		walk(n.Pipe, fn)
	}
}

// withLanguage adds the translating functions for one catalog to funcs; p
// formats its plural messages and sizes.
func withLanguage(funcs template.FuncMap, cat catalog, p *message.Printer) template.FuncMap {
	f := maps.Clone(funcs)
	format := func(key string, args ...any) string {
		if _, counted := cat[key+pluralOne]; counted && len(args) > 0 {
			return p.Sprintf(key, args...)
		}
		return cat.format(key, args...)
	}
	f["t"] = cat.text
	f["tf"] = format
	f["say"] = func(n *notice) string {
		if n == nil {
			return ""
		}
		return format(n.Key, n.Args...)
	}
	f["size"] = func(n int64) string { return formatSize(p, n) }
	return f
}

func (c catalog) text(key string) string {
	if s, ok := c[key]; ok {
		return s
	}
	return "[" + key + "]"
}

func (c catalog) format(key string, args ...any) string {
	if len(args) == 0 {
		return c.text(key)
	}
	return fmt.Sprintf(c.text(key), args...)
}

func (v *views) hasLanguage(lang string) bool {
	_, ok := v.byLang[lang]
	return ok
}

func (v *views) languages() []string {
	return slices.Sorted(maps.Keys(v.byLang))
}
