package render

import (
	"container/list"
	"image"
	"sync"

	"github.com/slate-nle/slate/timeline/rt"
)

// DefaultCacheBytes is the frame cache size when none is configured: 512 MiB.
const DefaultCacheBytes = 512 << 20

// Cache keeps decoded frames up to a byte budget, keyed by source (its path), frame number and
// size. Eviction is least-recently-used, except that frames near the playhead of their source
// (within Neighborhood frames either side, see SetPlayhead) are evicted only when nothing
// else is left, so scrubbing and playing around the playhead stay fast. Frames stored are
// shared: whoever Puts a frame and whoever Gets it must never change its pixels, nor give it
// to PutFrame. Safe for concurrent use; it implements FrameCache.
type Cache struct {
	// Neighborhood is how many frames either side of a playhead are kept preferentially.
	Neighborhood rt.Time

	mu       sync.Mutex
	max      int64
	bytes    int64
	lru      *list.List // of *cacheEntry, most recent at the front
	entries  map[FrameKey]*list.Element
	playhead map[string]rt.Time // by path
	hits     int64
	misses   int64
}

type cacheEntry struct {
	key  FrameKey
	img  *image.RGBA
	size int64
}

// CacheStats reports what the cache holds and how well it works.
type CacheStats struct {
	Frames       int
	Bytes, Max   int64
	Hits, Misses int64
}

// NewCache makes a cache holding at most maxBytes of pixels (DefaultCacheBytes when <= 0).
func NewCache(maxBytes int64) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	return &Cache{Neighborhood: 24, max: maxBytes, lru: list.New(), entries: map[FrameKey]*list.Element{}, playhead: map[string]rt.Time{}}
}

// Get returns a cached frame, counting a hit or a miss.
func (c *Cache) Get(k FrameKey) (*image.RGBA, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok {
		c.lru.MoveToFront(e)
		c.hits++
		return e.Value.(*cacheEntry).img, true
	}
	c.misses++
	return nil, false
}

// Put stores a frame, evicting others to stay within the budget. A frame larger than the
// whole budget is not stored.
func (c *Cache) Put(k FrameKey, img *image.RGBA) {
	if img == nil {
		return
	}
	size := int64(len(img.Pix))
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.max {
		return
	}
	if e, ok := c.entries[k]; ok {
		old := e.Value.(*cacheEntry)
		c.bytes += size - old.size
		old.img, old.size = img, size
		c.lru.MoveToFront(e)
	} else {
		c.entries[k] = c.lru.PushFront(&cacheEntry{key: k, img: img, size: size})
		c.bytes += size
	}
	c.evict()
}

// SetPlayhead tells the cache where playback of a source (the Path of its keys) is, so the
// frames around it stay.
func (c *Cache) SetPlayhead(path string, n rt.Time) {
	c.mu.Lock()
	c.playhead[path] = n
	c.mu.Unlock()
}

func (c *Cache) near(k FrameKey) bool {
	p, ok := c.playhead[k.Path]
	return ok && k.Frame >= p-c.Neighborhood && k.Frame <= p+c.Neighborhood
}

// evict drops least recently used frames, first those away from a playhead, until the cache
// fits its budget.
func (c *Cache) evict() {
	for pass := 0; pass < 2 && c.bytes > c.max; pass++ {
		for e := c.lru.Back(); e != nil && c.bytes > c.max; {
			prev := e.Prev()
			ce := e.Value.(*cacheEntry)
			if pass == 1 || !c.near(ce.key) {
				c.lru.Remove(e)
				delete(c.entries, ce.key)
				c.bytes -= ce.size
			}
			e = prev
		}
	}
}

// Stats reports the cache's content and hit counts.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Frames: len(c.entries), Bytes: c.bytes, Max: c.max, Hits: c.hits, Misses: c.misses}
}
