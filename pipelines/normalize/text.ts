// Vietnamese text normalisation: NFC, and a matching key that is blind to case, tone-mark
// placement (Hòa/Hoà), dash style and spacing, but never to the letters or tones themselves.

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const DASHES = /[\u2010-\u2015\u2212-]/g;

/** NFC with single spaces and no leading/trailing blanks. */
export function clean(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * A key for comparing names: each syllable keeps its letters and vowel shapes (ă, â, ơ, ư, đ)
 * and its tone, but the tone is written after the syllable, so "Hòa" and "Hoà" (and their NFD
 * spellings) share a key while "Hòa" and "Hóa" do not.
 */
export function matchKey(text: string): string {
  const words = text
    .normalize('NFD')
    .toLowerCase()
    .replace(DASHES, ' - ')
    .replace(/[.,;:()'"“”‘’]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0);
  return words
    .map((word) => {
      const tones = word.match(TONE_MARKS) ?? [];
      const base = word.replace(TONE_MARKS, '').normalize('NFC');
      return base + tones.join('');
    })
    .join(' ')
    .replace(/ - /g, '-')
    .normalize('NFC');
}
