package lang

import (
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// The scoring below is whatlanggo's (detectLangInProfiles and
// calculateConfidence), done once for every weighed language together and
// without a string per trigram: a text's trigrams are ranked by frequency,
// and a language's distance adds, for each trigram of its profile, how far
// the text ranks it from where the profile does (maxRankDistance when the
// text lacks it).
const (
	maxRankDistance = 300                          // whatlanggo's maxTrigramDistance
	noDistance      = maxRankDistance * profileLen // a text that shares no trigram with a profile
	profileLen      = 300                          // trigrams per profile
)

// weighed are the languages Detect scores: ours and those near Spanish.
var weighed = [...]whatlanggo.Lang{whatlanggo.Eng, whatlanggo.Spa, whatlanggo.Por, whatlanggo.Fra,
	whatlanggo.Ita, whatlanggo.Deu, whatlanggo.Nld}

// trigram is three runes packed 21 bits each: keys compare as the
// trigrams' strings do, which whatlanggo breaks ties in frequency by.
type trigram uint64

func pack(a, b, c rune) trigram { return trigram(a)<<42 | trigram(b)<<21 | trigram(c) }

// profileRanks maps a trigram to its rank in each weighed language's
// profile (-1 where the profile lacks it), built on first use.
var profileRanks = sync.OnceValue(func() map[trigram][len(weighed)]int16 {
	ranks := map[trigram][len(weighed)]int16{}
	for i, l := range weighed {
		for rank, s := range profiles[l] {
			r := []rune(s)
			t := pack(r[0], r[1], r[2])
			row, ok := ranks[t]
			if !ok {
				for j := range row {
					row[j] = -1
				}
			}
			row[i] = int16(rank)
			ranks[t] = row
		}
	}
	return ranks
})

// scores are a text's distances to each weighed language's profile.
type scores struct {
	dist     [len(weighed)]int
	trigrams int // distinct trigrams in the text (the confidence depends on it)
}

func score(text string) scores {
	ranked := rankTrigrams(text)
	s := scores{trigrams: len(ranked)}
	for i := range s.dist {
		s.dist[i] = noDistance
	}
	ranks := profileRanks()
	for pos, t := range ranked {
		row, ok := ranks[t]
		if !ok {
			continue
		}
		for i, r := range row {
			if r >= 0 {
				s.dist[i] -= maxRankDistance - abs(pos-int(r))
			}
		}
	}
	return s
}

// rankTrigrams returns text's trigrams, most frequent first, ties broken
// by the greater trigram first (whatlanggo's order). Punctuation, digits,
// symbols and spaces count as one space; a trigram is skipped whose middle
// is a space with another at either side.
func rankTrigrams(text string) []trigram {
	all := make([]trigram, 0, len(text)+1)
	r1, r2 := ' ', rune(-1)
	add := func(r3 rune) {
		if r2 != ' ' || r1 != ' ' && r3 != ' ' {
			all = append(all, pack(r1, r2, r3))
		}
		r1, r2 = r2, r3
	}
	for _, r := range text {
		c := unicode.ToLower(trigramChar(r))
		if r2 < 0 {
			r2 = c
			continue
		}
		add(c)
	}
	if r2 >= 0 {
		add(' ')
	}
	return byFrequency(all)
}

// byFrequency ranks trigrams (each as often as it occurs in the text) as
// rankTrigrams says, one of each.
func byFrequency(all []trigram) []trigram {
	// Sorted, equal trigrams sit together: walked from the greatest, each
	// distinct one is counted without a map.
	slices.Sort(all)
	distinct, counts := make([]trigram, 0, len(all)), make([]int, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		if i < len(all)-1 && all[i] == all[i+1] {
			counts[len(counts)-1]++
			continue
		}
		distinct, counts = append(distinct, all[i]), append(counts, 1)
	}
	// A counting sort by frequency keeps the greater trigram first within
	// one frequency: next[n] is where the next trigram seen n times goes.
	next := make([]int, slices.Max(append(counts, 0))+1)
	for _, n := range counts {
		next[n]++
	}
	for n, at := len(next)-1, 0; n > 0; n-- {
		next[n], at = at, at+next[n]
	}
	ranked := make([]trigram, len(distinct))
	for i, t := range distinct {
		ranked[next[counts[i]]] = t
		next[counts[i]]++
	}
	return ranked
}

// trigramChar is r, or a space for what whatlanggo counts as a stop.
func trigramChar(r rune) rune {
	if isStop(r) {
		return ' '
	}
	return r
}

func isStop(r rune) bool {
	return unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsDigit(r)
}

// writtenInLatin reports whether whatlanggo finds text, which holds a
// letter, written in the Latin script. Its DetectScript weighs every rune
// against each of two dozen scripts; a text whose every rune is ASCII, a
// Latin letter or a stop has letters of that script alone, and only other
// text needs the library's count.
func writtenInLatin(text string) bool {
	for _, r := range text {
		if r >= utf8.RuneSelf && !unicode.Is(unicode.Latin, r) && !isStop(r) {
			return whatlanggo.DetectScript(text) == unicode.Latin
		}
	}
	return true
}

// best is the language of among closest to the text and whatlanggo's
// confidence in it (0..1), or -1 and 0 when the text shares nothing with
// any of them. among holds two or more weighed languages.
func (s scores) best(among map[whatlanggo.Lang]bool) (whatlanggo.Lang, float64) {
	first, second := -1, -1
	for i, l := range weighed {
		if !among[l] {
			continue
		}
		switch {
		case first < 0 || s.dist[i] < s.dist[first]:
			first, second = i, first
		case second < 0 || s.dist[i] < s.dist[second]:
			second = i
		}
	}
	score1, score2 := noDistance-s.dist[first], noDistance-s.dist[second]
	switch {
	case score1 == 0:
		return -1, 0
	case score2 == 0:
		// Only one language shares trigrams with the text: whatlanggo's
		// confidence is then its score over 500, in whole numbers.
		return weighed[first], min(float64(score1/500), 1)
	}
	// Above whatlanggo's hyperbola (12/trigrams + 0.05) the lead is sure.
	rate := float64(score1-score2) / float64(score2)
	sure := 12/float64(s.trigrams) + 0.05
	return weighed[first], min(rate/sure, 1)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
