import { useState, type FormEvent, type ReactNode } from 'react';
import { useAppStore, useController } from '../../app-context.tsx';
import { Modal } from '../../components/modal.tsx';
import { extractMagnets } from '../../lib/drop-text.ts';
import { closeDialog } from '../../store/actions.ts';

export function MagnetDialog(): ReactNode {
  const store = useAppStore();
  const c = useController();
  const [text, setText] = useState('');
  const magnets = extractMagnets(text);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!magnets.length) return;
    closeDialog(store);
    void c.addMagnets(magnets);
  };
  return (
    <Modal title="Add magnet links" onClose={() => closeDialog(store)}>
      <form onSubmit={submit}>
        <textarea autoFocus rows={5} value={text} onChange={(e) => setText(e.target.value)}
          placeholder="magnet:?xt=urn:btih:… (one or more, one per line)" aria-label="Magnet links" />
        <p className="muted">{text.trim() === '' ? 'Paste one or more magnet links.' : magnets.length ? `${magnets.length} magnet link${magnets.length === 1 ? '' : 's'} found.` : 'No valid magnet link found (it must contain xt=urn:btih: or xt=urn:btmh:).'}</p>
        <div className="modal-buttons">
          <button type="button" onClick={() => closeDialog(store)}>Cancel</button>
          <button type="submit" className="primary" disabled={!magnets.length}>Add</button>
        </div>
      </form>
    </Modal>
  );
}
