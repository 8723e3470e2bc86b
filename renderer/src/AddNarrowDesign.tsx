// A design on screen becomes one page at two widths: the person picks its narrower design (a
// phone's beside a desktop's), and the page is converted again with both.
import { useRef } from 'react';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

export function AddNarrowDesign({ onFile }: { onFile: (file: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" data-testid="add-narrow" title="Pick a narrower design of this page (a phone's): the code becomes one page that fits both" onClick={() => input.current?.click()}>
        Add phone design…
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="add-narrow-input"
        accept={IMAGE_TYPES.join(',')}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
