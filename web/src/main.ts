// The page: take back a seat this browser kept, or ask to start or join;
// then the session screen. Connects only to the server that served it.
import { HeardClient } from "./client.js";
import { landing, type LandingChoice } from "./landing.js";
import { SessionScreen } from "./ui.js";

const root = document.getElementById("app")!;
const wsUrl = (target: string) => `wss://${location.host}${target}`;

function open(client: HeardClient) {
  const screen = new SessionScreen(client);
  let queued = false;
  client.onChange = () => {
    // Many changes can come in one burst of messages: render once per frame.
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      screen.render();
    });
  };
  root.replaceChildren(screen.root);
  screen.render();
  (document.getElementById("headline") as HTMLElement | null)?.focus();
}

async function canMakeKeys(): Promise<boolean> {
  try {
    await crypto.subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
    return true;
  } catch {
    return false;
  }
}

async function boot() {
  if (!globalThis.isSecureContext || !crypto?.subtle) {
    root.textContent = "Heard needs a secure (https) page to seal your words. Open it at its https:// address.";
    return;
  }
  if (!(await canMakeKeys())) {
    root.textContent =
      "This browser cannot make the keys Heard seals your words with (X25519 in WebCrypto). Use a current Chrome, Firefox or Safari.";
    return;
  }
  const client = new HeardClient(wsUrl);
  if (await client.resumeSaved()) return open(client);
  const code = decodeURIComponent(location.hash.replace(/^#/, ""));
  root.replaceChildren(
    landing(code, (choice: LandingChoice) => {
      // The code stays out of the address bar once used: a shared screen shows no secret.
      if (location.hash) history.replaceState(null, "", location.pathname);
      if (choice.join) client.join(choice.name, choice.join);
      else if (choice.start) client.start(choice.name, choice.start);
      open(client);
    }),
  );
}

boot().catch((e: unknown) => {
  root.textContent = `Heard could not start in this browser (${e instanceof Error ? e.message : String(e)}). Try a current Chrome, Firefox or Safari.`;
});
