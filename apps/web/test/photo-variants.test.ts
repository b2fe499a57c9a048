import { describe, expect, test } from 'vitest';
import { makePhotoVariants, PHOTO_VARIANT_SPECS, type PhotoCodec, scaledSize } from '../src/media/photo-variants.ts';

/** A codec that records what is drawn and encoded; the "JPEG" says its size and quality. */
function recordingCodec(widthPx: number, heightPx: number) {
  const drawn: { canvas: [number, number]; drawn: [number, number]; quality?: number }[] = [];
  let closed = 0;
  const source = { fake: 'bitmap' } as unknown as CanvasImageSource;
  const codec: PhotoCodec = {
    decode: async () => ({ width: widthPx, height: heightPx, source, close: () => closed++ }),
    canvas(width, height) {
      const entry: (typeof drawn)[number] = { canvas: [width, height], drawn: [0, 0] };
      drawn.push(entry);
      return {
        draw(from, w, h) {
          expect(from).toBe(source);
          entry.drawn = [w, h];
        },
        async toJpeg(quality) {
          entry.quality = quality;
          return new Blob([`jpeg ${width}x${height} q${quality}`], { type: 'image/jpeg' });
        },
      };
    },
  };
  return { codec, drawn, closed: () => closed };
}

// R13.1 "images compressed harder", issue 8 item 3: the two variants the team chat uploads.
describe('photo variants made in the browser (R13.1, R12.2)', () => {
  test('a 4000×3000 photo becomes full 1600×1200 at quality 0.82 and small 480×360 at 0.6', async () => {
    const { codec, drawn, closed } = recordingCodec(4000, 3000);
    const variants = await makePhotoVariants(new Blob(['x']), codec);
    expect(variants.full).toMatchObject({ widthPx: 1600, heightPx: 1200 });
    expect(variants.small).toMatchObject({ widthPx: 480, heightPx: 360 });
    expect(drawn).toEqual([
      { canvas: [1600, 1200], drawn: [1600, 1200], quality: 0.82 },
      { canvas: [480, 360], drawn: [480, 360], quality: 0.6 },
    ]);
    expect(await variants.small.blob.text()).toBe('jpeg 480x360 q0.6');
    expect(variants.full.blob.type).toBe('image/jpeg');
    expect(closed()).toBe(1);
    expect(PHOTO_VARIANT_SPECS.small.quality).toBeLessThan(PHOTO_VARIANT_SPECS.full.quality);
  });

  test('portrait photos are fitted by their height; odd sizes round', async () => {
    const { codec } = recordingCodec(1080, 1920);
    const variants = await makePhotoVariants(new Blob(['x']), codec);
    expect([variants.full.widthPx, variants.full.heightPx]).toEqual([900, 1600]);
    expect([variants.small.widthPx, variants.small.heightPx]).toEqual([270, 480]);
    expect(scaledSize(3001, 1999, 480)).toEqual({ widthPx: 480, heightPx: 320 });
    expect(scaledSize(10_000, 1, 480)).toEqual({ widthPx: 480, heightPx: 1 });
  });

  test('a photo smaller than a variant is not enlarged, only re-encoded at that quality', async () => {
    const { codec, drawn } = recordingCodec(300, 200);
    const variants = await makePhotoVariants(new Blob(['x']), codec);
    expect([variants.full.widthPx, variants.full.heightPx]).toEqual([300, 200]);
    expect([variants.small.widthPx, variants.small.heightPx]).toEqual([300, 200]);
    expect(drawn.map((entry) => entry.quality)).toEqual([0.82, 0.6]);
  });

  test('a file that does not decode fails without drawing; an encoder failure still frees the pixels', async () => {
    const { codec, drawn } = recordingCodec(10, 10);
    const broken: PhotoCodec = { ...codec, decode: async () => Promise.reject(new Error('not an image')) };
    await expect(makePhotoVariants(new Blob(['x']), broken)).rejects.toThrow('not an image');
    expect(drawn).toEqual([]);
    const failing = recordingCodec(10, 10);
    const noJpeg: PhotoCodec = {
      ...failing.codec,
      canvas: (w, h) => ({ ...failing.codec.canvas(w, h), toJpeg: () => Promise.reject(new Error('no encoder')) }),
    };
    await expect(makePhotoVariants(new Blob(['x']), noJpeg)).rejects.toThrow('no encoder');
    expect(failing.closed()).toBe(1);
  });
});
