import { useState, type ReactNode } from 'react';
import { useApp, useAppStore, useController } from '../../app-context.tsx';
import { Modal } from '../../components/modal.tsx';
import { closeDialog } from '../../store/actions.ts';

export function RemoveDialog({ ids }: { ids: readonly string[] }): ReactNode {
  const store = useAppStore();
  const c = useController();
  const [deleteData, setDeleteData] = useState(false);
  const first = useApp((s) => (ids[0] === undefined ? undefined : s.torrents.get(ids[0])?.name));
  const what = ids.length === 1 ? `“${first ?? 'this torrent'}”` : `${ids.length} torrents`;
  return (
    <Modal title={`Remove ${what}?`} onClose={() => closeDialog(store)}>
      <label className="check"><input type="checkbox" checked={deleteData} onChange={(e) => setDeleteData(e.target.checked)} /> Also delete the downloaded files</label>
      {deleteData && <p className="warning-text">The files will be deleted from disk. This cannot be undone.</p>}
      <div className="modal-buttons">
        <button type="button" onClick={() => closeDialog(store)}>Cancel</button>
        <button type="button" className={deleteData ? 'danger' : 'primary'} autoFocus onClick={() => void c.remove(ids, deleteData)}>
          {deleteData ? 'Remove and delete files' : 'Remove'}
        </button>
      </div>
    </Modal>
  );
}
