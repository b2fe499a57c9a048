/** The stored forms of a chat photo; readers on a constrained network fetch `small` (R13.1). */
export type PhotoVariantName = 'full' | 'small';

export interface PhotoVariantSpec {
  /** Longest side after scaling; a smaller photo is never enlarged. */
  longestSidePx: number;
  /** JPEG quality, 0–1. */
  quality: number;
}

/** R13.1 "images compressed harder": `small` is both smaller and lower quality than `full`. */
export const PHOTO_VARIANT_SPECS: Record<PhotoVariantName, PhotoVariantSpec> = {
  full: { longestSidePx: 1600, quality: 0.82 },
  small: { longestSidePx: 480, quality: 0.6 },
};

export interface DecodedPhoto {
  width: number;
  height: number;
  source: CanvasImageSource;
  /** Frees the decoded pixels (ImageBitmap.close). */
  close?(): void;
}

/** A canvas of a fixed size that a photo is drawn into and encoded from. */
export interface PhotoCanvas {
  draw(source: CanvasImageSource, widthPx: number, heightPx: number): void;
  toJpeg(quality: number): Promise<Blob>;
}

/** The platform parts the compression needs, injected so the unit runs without a browser. */
export interface PhotoCodec {
  decode(file: Blob): Promise<DecodedPhoto>;
  canvas(widthPx: number, heightPx: number): PhotoCanvas;
}

export interface PhotoVariant {
  widthPx: number;
  heightPx: number;
  blob: Blob;
}

export type PhotoVariants = Record<PhotoVariantName, PhotoVariant>;

/** `width`×`height` scaled to fit `longestSidePx` on its longest side (never up), at least 1×1. */
export function scaledSize(
  width: number,
  height: number,
  longestSidePx: number,
): { widthPx: number; heightPx: number } {
  const scale = Math.min(1, longestSidePx / Math.max(width, height, 1));
  return { widthPx: Math.max(1, Math.round(width * scale)), heightPx: Math.max(1, Math.round(height * scale)) };
}

/**
 * A picked photo as the two JPEG variants the chat uploads (R12.2, R13.1; decision 0009): decoded once,
 * drawn into a canvas per variant, encoded at the variant's quality. Fails when the file is not an
 * image the platform can decode.
 */
export async function makePhotoVariants(file: Blob, codec: PhotoCodec = browserPhotoCodec()): Promise<PhotoVariants> {
  const decoded = await codec.decode(file);
  try {
    const encode = async (spec: PhotoVariantSpec): Promise<PhotoVariant> => {
      const { widthPx, heightPx } = scaledSize(decoded.width, decoded.height, spec.longestSidePx);
      const canvas = codec.canvas(widthPx, heightPx);
      canvas.draw(decoded.source, widthPx, heightPx);
      return { widthPx, heightPx, blob: await canvas.toJpeg(spec.quality) };
    };
    return { full: await encode(PHOTO_VARIANT_SPECS.full), small: await encode(PHOTO_VARIANT_SPECS.small) };
  } finally {
    decoded.close?.();
  }
}

/** `createImageBitmap` (EXIF orientation applied) and an HTML canvas; JPEG has no alpha, so a white ground. */
export function browserPhotoCodec(): PhotoCodec {
  return {
    async decode(file) {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return { width: bitmap.width, height: bitmap.height, source: bitmap, close: () => bitmap.close() };
    },
    canvas(widthPx, heightPx) {
      const canvas = document.createElement('canvas');
      canvas.width = widthPx;
      canvas.height = heightPx;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('This browser cannot draw images (no 2D canvas)');
      return {
        draw(source, width, height) {
          context.fillStyle = '#fff';
          context.fillRect(0, 0, width, height);
          context.imageSmoothingQuality = 'high';
          context.drawImage(source, 0, 0, width, height);
        },
        toJpeg: (quality) =>
          new Promise<Blob>((resolve, reject) =>
            canvas.toBlob(
              (blob) => (blob ? resolve(blob) : reject(new Error('The photo could not be encoded as JPEG'))),
              'image/jpeg',
              quality,
            ),
          ),
      };
    },
  };
}
