import { Desk } from "./desk";
import { initI18n } from "./i18n";
import { renderLogin } from "./login";
import { me, Me } from "./session";

async function boot(): Promise<void> {
  await initI18n();
  const root = document.getElementById("app")!;

  const showDesk = (m: Me) => new Desk(root, m.user, () => renderLogin(root, showDesk)).start();
  try {
    showDesk(await me());
  } catch {
    renderLogin(root, showDesk);
  }
}

void boot();
