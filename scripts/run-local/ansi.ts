/** Minimal ANSI styling, on only when asked (a TTY without NO_COLOR). */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

export type Paint = (text: string, ...styles: Style[]) => string;

export function painter(enabled: boolean): Paint {
  if (!enabled) return (text) => text;
  return (text, ...styles) =>
    styles.reduce(
      (out, style) => `\u001b[${CODES[style][0]}m${out}\u001b[${CODES[style][1]}m`,
      text,
    );
}

/** Colours for a stream: only a TTY, and never with NO_COLOR set (https://no-color.org). */
export function colourFor(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}

/** Length as seen on screen (ANSI sequences take no room). */
export function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
