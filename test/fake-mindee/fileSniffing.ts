/**
 * Detects the accepted document types from magic bytes (https://docs.mindee.com/integrations/technical-limitations: PDF, JPEG, PNG, WebP, TIFF, HEIC, HEIF).
 * The server detects the MIME type itself; the part's Content-Type is not trusted (https://docs.mindee.com/integrations/api-reference).
 */

/** How many leading bytes sniffMime wants to see. */
export const SNIFF_BYTES = 1024;

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'heif']);

/** The MIME type of a document from its first bytes, or null when it is not an accepted type. */
export function sniffMime(head: Buffer): string | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (head.length >= 4) {
    const sig = head.toString('latin1', 0, 4);
    // Classic TIFF (II*\0, MM\0*) and BigTIFF (II+\0, MM\0+).
    if (sig === 'II*\0' || sig === 'MM\0*' || sig === 'II+\0' || sig === 'MM\0+') return 'image/tiff';
  }
  if (head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp') {
    const brand = head.toString('latin1', 8, 12);
    if (HEIC_BRANDS.has(brand)) return 'image/heic';
    if (HEIF_BRANDS.has(brand)) return 'image/heif';
  }
  // PDF readers accept a %PDF- header anywhere in the first 1024 bytes.
  if (head.subarray(0, SNIFF_BYTES).indexOf('%PDF-', 0, 'latin1') !== -1) return 'application/pdf';
  return null;
}

/** A file extension for a sniffed MIME type (used to name base64 inputs that come without a filename). */
export function extensionFor(mime: string | null): string {
  switch (mime) {
    case 'application/pdf': return 'pdf';
    case 'image/jpeg': return 'jpg';
    case 'image/png': return 'png';
    case 'image/webp': return 'webp';
    case 'image/tiff': return 'tiff';
    case 'image/heic': return 'heic';
    case 'image/heif': return 'heif';
    default: return 'bin';
  }
}
