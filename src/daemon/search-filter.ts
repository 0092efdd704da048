// Search result filters: the text of the web UI's filter box, also applied by the daemon to the
// results it keeps and by the CLI. The syntax follows slskd's filter box and Nicotine+'s result
// filters, in one line of terms separated by spaces; a result must pass EVERY term.
//
//   words            every word must occur as a whole word in the path (folders and file name),
//                    case- and accent-insensitive, as in Soulseek searches ("Björk" = "bjork";
//                    "ac/dc" = the words ac and dc, anywhere)
//   *tles            a word ending so ("beatles"), the Soulseek wildcard: only at a term's start
//   -word            no result whose path holds the word ("-ac/dc": holds ac or dc)
//   "a phrase"       the words in this order, next to each other;  -"a phrase" excludes them
//   ext:flac         file types, by extension (the path's, else the reply's extension field);
//   ext:mp3,ogg      ext: terms, lossless and lossy add up: the file must be ANY of them
//   lossless lossy   lossless = flac alac ape wav wave w64 aif aiff aifc wv tta tak ofr shn dsf dff,
//                    and m4a mp4 wma when the file reports a bit depth (ALAC, WMA Lossless);
//                    lossy = mp3 mp2 ogg oga opus aac mpc ac3, and m4a mp4 wma without a bit depth
//   -ext:mp3         never this type
//   size:>10mb       numbers, with < > <= >= = or a range a-b / a..b (both ends included); a bare
//   size:1gb-2gb     value means equal. Sizes: b; k m g t (1024-based, as Nicotine+); kb mb gb tb
//                    (1000-based); kib mib gib tib; a bare number is bytes
//   br:>=320         bitrate in kbit/s (also bitrate:)
//   len:>3:00        duration in seconds, m:ss or h:mm:ss (also length:, duration:)
//   sr:>=96k         sample rate: 44100, 44.1k, 96khz; a bare number below 1000 is kHz (also samplerate:)
//   bd:24            bit depth (also bitdepth:)
//   vbr  cbr         variable / constant bitrate only
//   freeslot         only users with a free upload slot (also slot:free)
//   queue:<10        the user's queue length
//   speed:>1mb       the user's upload speed per second (units as for size, "/s" allowed)
//   user:a,b         only these users;  -user:a,b  or  hide:a,b  never these users; names are exact
//                    and case-sensitive; quote names with spaces or commas: hide:"dj x",y
//   slskd's filter words are understood too: minbr:320 minbd:24 minlen:180 (at least),
//   isvbr iscbr islossless islossy.
//
// A file without the attribute a number term asks for (a bitrate filter on a FLAC file that reports
// no bitrate) does NOT match: the filter cannot tell it passes. Keywords are reserved: quote them
// ("lossless", "re:birth") to search for the text. Unknown keys, bad values, a quote left open and
// texts over 1,000 characters or 50 terms are refused with a FilterParseError naming the token and
// what is accepted.

export { FilterParseError, MAX_FILTER_LENGTH, MAX_FILTER_TERMS, emptyFilter } from './search-filter-types.ts';
export type { FileTypes, FilterErrorCode, NumberAttribute, NumberCondition, NumberConditions, SearchFilter } from './search-filter-types.ts';
export { parseSearchFilter } from './search-filter-parse.ts';
export {
  CompiledSearchFilter,
  compileSearchFilter,
  EITHER_EXTENSIONS,
  fileExtension,
  isLossless,
  isLossy,
  LOSSLESS_EXTENSIONS,
  LOSSY_EXTENSIONS,
} from './search-filter-match.ts';
export type { FilterableFile, FilterableResponse, FilterStats } from './search-filter-match.ts';

/** The syntax, for the UI's help popover and `slsk … --filter --help`. */
export const FILTER_SYNTAX_HELP = `Filter results: terms separated by spaces; a result must pass every term.
  beatles abbey        words that must all occur in the folder or file name (whole words, any case, any accents)
  *tles                a word ending so (beatles)
  -live                leave out results holding the word
  "abbey road"         words next to each other in this order;  -"live at" leaves them out
  ext:flac  ext:mp3,ogg   file types (ext:, lossless and lossy together: any of them);  -ext:mp3 leaves it out
  lossless  lossy      lossless: flac alac ape wav aiff wv tta tak shn dsf dff, and m4a/wma with a bit depth
  size:>10mb  size:1gb-2gb     size: k m g = 1024-based, kb mb gb = 1000-based, a bare number = bytes
  br:>=320             bitrate in kbit/s
  len:>3:00  len:90-300        duration in seconds or m:ss
  sr:>=96k  sr:44.1k   sample rate
  bd:24                bit depth
  vbr  cbr             variable / constant bitrate only
  freeslot             only users with a free upload slot
  queue:<10            users with fewer than 10 files queued
  speed:>1mb           users uploading faster than 1 MiB/s
  user:alice  hide:bob,carol   only / never these users (exact names; quote names with spaces)
Numbers take <, >, <=, >=, = or a range a-b or a..b (both ends included). A file that does not report
an attribute (e.g. no bitrate) fails a filter on it. Quote a keyword or a word with a colon to search
for the text itself: "lossless" "re:birth". slskd's minbr: minlen: minbd: isvbr iscbr islossless islossy work too.`;
