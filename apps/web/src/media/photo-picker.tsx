import { useId, useRef } from 'react';
import './media.css';

/** Image types the server stores (decision 0009); the picked file is re-encoded as JPEG anyway. */
const ACCEPTED = 'image/jpeg,image/png,image/webp';

/** "Add photo": a labelled file input styled as a button; the input is cleared so the same file can be picked again. */
export function PhotoPicker({
  onPick,
  disabled,
  busy,
}: {
  onPick: (file: File) => void;
  disabled?: boolean;
  busy?: boolean;
}) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <label
        htmlFor={inputId}
        className="ws-button ws-photo-picker"
        aria-disabled={disabled || busy || undefined}
        title="Add photo"
      >
        {busy ? 'Sending photo…' : 'Photo'}
      </label>
      <input
        ref={input}
        id={inputId}
        className="ws-visually-hidden"
        type="file"
        accept={ACCEPTED}
        aria-label="Add photo"
        disabled={disabled || busy}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (input.current) input.current.value = '';
          if (file) onPick(file);
        }}
      />
    </>
  );
}
