// The renderer's entry (index.html loads ./main.tsx): the real app over the real transport.
import { getApi } from './bridge/index.ts';
import { mountApp } from './mount.tsx';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
mountApp(container, getApi());
