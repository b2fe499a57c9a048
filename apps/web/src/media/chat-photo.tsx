import { useEffect, useState } from 'react';
import { useMediaVariant } from '../mobile/device-sync-provider.tsx';
import { fetchPhotoBlob, type PhotoAttachment } from './media-api.ts';

type Shown = { state: 'loading' } | { state: 'shown'; url: string } | { state: 'failed'; message: string };

/**
 * A chat photo as a thumbnail (R10.1 chat, R13.1): the bytes are fetched with the bearer token in the
 * variant this device's network policy picks — `small` on cellular or data saver, `full` otherwise —
 * shown from a blob URL that is revoked when the photo unmounts or the variant changes.
 */
export function ChatPhoto({ attachment, token, alt }: { attachment: PhotoAttachment; token: string; alt: string }) {
  const variant = useMediaVariant();
  const [shown, setShown] = useState<Shown>({ state: 'loading' });
  const { mediaId } = attachment;

  useEffect(() => {
    const abort = new AbortController();
    let url: string | null = null;
    setShown({ state: 'loading' });
    fetchPhotoBlob(mediaId, variant, token, abort.signal).then(
      (blob) => {
        if (abort.signal.aborted) return;
        url = URL.createObjectURL(blob);
        setShown({ state: 'shown', url });
      },
      (error: Error) => {
        if (!abort.signal.aborted) setShown({ state: 'failed', message: error.message });
      },
    );
    return () => {
      abort.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [mediaId, variant, token]);

  const style = { aspectRatio: `${attachment.width} / ${attachment.height}` };
  if (shown.state === 'shown') {
    return <img className="ws-chat-photo" src={shown.url} alt={alt} data-variant={variant} style={style} />;
  }
  return (
    <span className="ws-chat-photo ws-chat-photo--placeholder" role="img" aria-label={alt} style={style}>
      {shown.state === 'failed' ? `Photo unavailable: ${shown.message}` : 'Loading photo…'}
    </span>
  );
}
