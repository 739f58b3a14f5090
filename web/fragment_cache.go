package web

import (
	"container/list"
	"html/template"
	"sync"
)

// defaultFragmentBytes bounds the rendered conversations kept in memory.
const defaultFragmentBytes = 32 << 20

// chunkBytes is the most a page inserts of a fragment in one piece: the
// template engine prints each value through a buffer that is recycled only
// when it stays under 64 KiB, so a long conversation inserted whole would
// cost a fresh large buffer on every request.
const chunkBytes = 32 << 10

// chunks cuts h into pieces of at most n bytes, to be printed one after the
// other (the bytes on the page are the same).
func chunks(h template.HTML, n int) []template.HTML {
	out := make([]template.HTML, 0, len(h)/n+1)
	for len(h) > n {
		out = append(out, h[:n])
		h = h[n:]
	}
	return append(out, h)
}

// fragment is a rendered part of a page and what the page needs to know
// about it.
type fragment struct {
	html   template.HTML
	remote bool // it shows remote images (the page's CSP must allow them)
}

// fragmentCache keeps rendered conversations, least recently used out first,
// up to a total size. Messages never change once written, so a conversation
// rendered for one viewer, language and set of view options stays right
// until a message is added, which changes its key.
type fragmentCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key string
	val fragment
}

func newFragmentCache(maxBytes int) *fragmentCache {
	return &fragmentCache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *fragmentCache) get(key string) (fragment, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return fragment{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).val, true
}

// put stores val under key; a fragment larger than the whole cache is not kept.
func (c *fragmentCache) put(key string, val fragment) {
	n := len(key) + len(val.html)
	if n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.size -= len(key) + len(e.Value.(*cacheEntry).val.html)
		c.order.Remove(e)
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key: key, val: val})
	c.size += n
	for c.size > c.max {
		old := c.order.Back()
		ent := old.Value.(*cacheEntry)
		c.order.Remove(old)
		delete(c.byKey, ent.key)
		c.size -= len(ent.key) + len(ent.val.html)
	}
}
