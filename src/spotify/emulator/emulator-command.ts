import { startSpotifyEmulator } from './index.js';

export interface EmulatorCommandOptions {
  port: number;
  tracks: number;
  seed: number;
  failRate: number;
  json: boolean;
}

/** `spotlib emulator`: serves until SIGINT or SIGTERM, then closes and returns. */
export async function runEmulatorUntilStopped(
  options: EmulatorCommandOptions,
  print: (line: string) => void,
): Promise<void> {
  const { port, tracks, seed, failRate } = options;
  const emulator = await startSpotifyEmulator({ port, tracks, seed, failRate });
  const stopped = stopSignal();
  const url = emulator.url;
  print(
    options.json
      ? JSON.stringify({ url, port: Number(new URL(url).port), tracks, seed, failRate })
      : `Spotify emulator on ${url} (${tracks} tracks)`,
  );
  await stopped;
  await emulator.close();
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
