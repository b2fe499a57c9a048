import type { PhotoVariantName, PhotoVariants } from './photo-variants.ts';

/** The chat message's reference to a photo (`team_chat.attachment`, decision 0009). */
export interface PhotoAttachment {
  mediaId: string;
  /** Pixels of the `full` variant (the thumbnail keeps its aspect ratio before the bytes arrive). */
  width: number;
  height: number;
}

/** Reads `team_chat.attachment`, or null when the field holds no valid reference. */
export function photoAttachmentOf(value: unknown): PhotoAttachment | null {
  if (typeof value !== 'object' || value === null) return null;
  const { mediaId, width, height } = value as Record<string, unknown>;
  if (typeof mediaId !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(mediaId)) return null;
  if (typeof width !== 'number' || typeof height !== 'number' || width <= 0 || height <= 0) return null;
  return { mediaId, width, height };
}

/** A fresh URL-safe media id (the server accepts 8–64 of A–Z a–z 0–9 _ -). */
export function newMediaId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `m-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export function mediaPath(mediaId: string, variant: PhotoVariantName): string {
  return `/api/media/${encodeURIComponent(mediaId)}/${variant}`;
}

/** The server's `{error:{message}}`, or the status line. */
async function refusal(response: Response): Promise<Error> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  return new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
}

/**
 * Uploads both variants as raw JPEG bodies (R12.2: binary, not base64), `small` first so a reader on
 * cellular never waits for a missing variant; the message referencing them is written after both.
 */
export async function uploadPhotoVariants(options: {
  token: string;
  supplierId: string;
  mediaId: string;
  variants: PhotoVariants;
}): Promise<void> {
  for (const variant of ['small', 'full'] as const) {
    const response = await fetch(
      `${mediaPath(options.mediaId, variant)}?supplierId=${encodeURIComponent(options.supplierId)}`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'image/jpeg' },
        body: options.variants[variant].blob,
      },
    );
    if (!response.ok) throw await refusal(response);
  }
}

/** One variant's bytes, fetched with the bearer token (an `<img src>` cannot send it). */
export async function fetchPhotoBlob(
  mediaId: string,
  variant: PhotoVariantName,
  token: string,
  signal?: AbortSignal,
): Promise<Blob> {
  const response = await fetch(mediaPath(mediaId, variant), {
    headers: { authorization: `Bearer ${token}` },
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) throw await refusal(response);
  return response.blob();
}
