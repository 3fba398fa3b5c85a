/** Where an encoded data file ends one part, before the next part's bytes. */
export const CUT = Symbol('cut');

/** An encoded data file: its bytes with {@link CUT} between parts, and the rows of each part once read. */
export interface EncodedParts extends AsyncIterable<Buffer | typeof CUT> {
  /** Records of each part so far. */
  readonly partRows: number[];
  /** Records so far. */
  readonly rows: number;
}
