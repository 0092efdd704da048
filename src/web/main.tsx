// The web UI's entry: the styles and the app, rendered into #app.

import { render } from 'preact';
import { App } from './app.tsx';
import './style.css';

render(<App />, document.getElementById('app')!);
