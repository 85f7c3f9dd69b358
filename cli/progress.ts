// Progress on a terminal: a spinner line with the stage and the seconds spent, redrawn on
// stderr and cleared at the end; quiet when stderr is not a TTY. CHITIEU_PROGRESS=lines prints
// one plain line per stage instead (for logs, and for the crash test that waits for 'writing').
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  stage(name: string): void;
  done(): void;
}

export function progress(label: string, env: NodeJS.ProcessEnv = process.env): Progress {
  if (env.CHITIEU_PROGRESS === 'lines') {
    return { stage: (name) => process.stderr.write(`stage: ${name} ${label}\n`), done: () => {} };
  }
  if (!process.stderr.isTTY) return { stage: () => {}, done: () => {} };
  const started = performance.now();
  let current = 'starting';
  let frame = 0;
  const draw = () => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `\r${FRAMES[frame++ % FRAMES.length]} ${label}: ${current}… ${seconds} s\u001b[K`,
    );
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    stage(name) {
      current = name;
      draw();
    },
    done() {
      clearInterval(timer);
      process.stderr.write('\r\u001b[K');
    },
  };
}
