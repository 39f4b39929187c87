package contactio

import (
	"math"
	"unicode"

	"golang.org/x/text/encoding/charmap"
)

// Telling Windows-1251 from KOI8-R.
//
// Both code pages put the 66 Cyrillic letters of Russian on the high bytes, in
// a different order. 0xC0–0xFF are А–Я, а–я in Windows-1251 but ю, а, б, ц, …
// in KOI8-R (lowercase first, in the order of their Latin transliteration).
// So every Russian text decodes as Cyrillic letters under both, and only the
// letters themselves show which one is right. Text read with the wrong table is a
// scramble where rare letters (ю, ц, ф, ъ) take the place of common ones.
//
// The score of a decoding has two parts, both natural logs so they add up:
//   - the log-likelihood of its letters under the letter frequencies of
//     Russian, folded to lowercase. A wrong reading swaps common letters for
//     rare ones, but some swaps land on common letters too, so a single word
//     gains only one to eight units from this part;
//   - casePenalty for every capital letter that follows a lowercase letter in
//     a word. Russian text has capitals only at the start of a word, or in
//     words written all in capitals. The other code page swaps the two halves
//     of the alphabet, so every word that starts with a capital becomes
//     "иВАНОВ", which this part catches.
//
// The share of lowercase letters, the other obvious signal, is not used:
// contact lists often write surnames in capitals, and such a file read with
// the wrong table comes out all in lowercase and would win. Capitals alone
// pass nothing to the second part, so the letter frequencies decide.

// russianLetterFrequency is the approximate share, in percent, of each letter
// in Russian prose. Published counts differ by up to a point or two for the
// common letters. The score depends only on the common letters being far more
// frequent than the rare ones, which every count agrees on.
var russianLetterFrequency = map[rune]float64{
	'о': 10.97, 'е': 8.45, 'а': 8.01, 'и': 7.35, 'н': 6.70, 'т': 6.26, 'с': 5.47,
	'р': 4.73, 'в': 4.54, 'л': 4.40, 'к': 3.49, 'м': 3.21, 'д': 2.98, 'п': 2.81,
	'у': 2.62, 'я': 2.01, 'ы': 1.90, 'ь': 1.74, 'г': 1.70, 'з': 1.65, 'б': 1.59,
	'ч': 1.44, 'й': 1.21, 'х': 0.97, 'ж': 0.94, 'ш': 0.73, 'ю': 0.64, 'ц': 0.48,
	'щ': 0.36, 'э': 0.32, 'ф': 0.26, 'ъ': 0.04, 'ё': 0.04,
}

// casePenalty is subtracted for a capital after a lowercase letter in a word.
// It outweighs the letter frequencies of one short word, so one capitalised
// word decides, while a file in capitals is left to the frequencies.
const casePenalty = 5.0

// minCodePageMargin is the difference of scores below which
// detectCyrillicCodePage calls the guess uncertain. One capitalised name or
// header word passes it, while a file whose only Cyrillic text is a
// short word such as "Цой" does not.
const minCodePageMargin = 4.0

// codePageModel contains the score and the letter case of each high byte
// (0x80–0xFF) under one code page.
type codePageModel struct {
	score [128]float64
	// upper and lower mark the bytes that decode to a capital or lowercase
	// Russian letter.
	upper, lower [128]bool
}

// The models are built once at start-up and only read afterwards.
var (
	windows1251Model = newCodePageModel(charmap.Windows1251)
	koi8rModel       = newCodePageModel(charmap.KOI8R)
)

// newCodePageModel scores each high byte by the log of the frequency of the
// letter it decodes to. Bytes that are not Russian letters (dashes, quotes,
// box drawing) get the score of the rarest letter. That is the same under
// both code pages except for the few bytes whose meaning differs.
func newCodePageModel(table *charmap.Charmap) codePageModel {
	floor := math.Log(russianLetterFrequency['ъ'])
	var model codePageModel
	for i := range model.score {
		r := table.DecodeByte(byte(0x80 + i))
		lower := unicode.ToLower(r)
		model.score[i] = floor
		if frequency, ok := russianLetterFrequency[lower]; ok {
			model.score[i] = math.Log(frequency)
			model.upper[i] = r != lower
			model.lower[i] = r == lower
		}
	}
	return model
}

// scoreText returns the score of data under the model. ASCII bytes are the
// same under every code page and only end a word.
func (m *codePageModel) scoreText(data []byte) float64 {
	total := 0.0
	afterLowercase := false
	for _, b := range data {
		if b < 0x80 {
			afterLowercase = false
			continue
		}
		i := b - 0x80
		total += m.score[i]
		if afterLowercase && m.upper[i] {
			total -= casePenalty
		}
		afterLowercase = m.lower[i]
	}
	return total
}

// detectCyrillicCodePage returns EncodingWindows1251 or EncodingKOI8R for data
// that is not UTF-8, and whether the scores differ by minCodePageMargin. When
// they do not, it returns Windows-1251, which Excel and most Russian Windows
// programs write.
func detectCyrillicCodePage(data []byte) (string, bool) {
	windows1251 := windows1251Model.scoreText(data)
	koi8r := koi8rModel.scoreText(data)

	switch {
	case koi8r-windows1251 >= minCodePageMargin:
		return EncodingKOI8R, true
	case windows1251-koi8r >= minCodePageMargin:
		return EncodingWindows1251, true
	}
	return EncodingWindows1251, false
}
