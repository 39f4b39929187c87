import { Desk } from "./desk";
import { Wallboard } from "./wallboard";
import { currentLanguage, initI18n, isLanguage, savedLanguage, setLanguage } from "./i18n";
import { renderLogin } from "./login";
import { User } from "./protocol";
import { me, Me, updateLocale } from "./session";

// syncLanguage settles the language once the user is known. A choice made in this browser
// wins and is sent to the server, so that its messages follow. Without one, the page takes
// the user's locale from the server.
async function syncLanguage(user: User): Promise<User> {
  const saved = savedLanguage();
  if (saved && saved !== user.locale) {
    try {
      return (await updateLocale(saved)).user;
    } catch (err) {
      // The desk still works; only server messages stay in the user's previous language.
      console.warn("switchboard: could not store the language on the server", err);
      return user;
    }
  }
  if (!saved && isLanguage(user.locale) && user.locale !== currentLanguage()) {
    await setLanguage(user.locale, false);
  }
  return user;
}

async function boot(): Promise<void> {
  await initI18n();
  const root = document.getElementById("app")!;

  const showLogin = () => renderLogin(root, (m) => void showDesk(m));
  const showDesk = async (m: Me) => {
    const user = await syncLanguage(m.user);
    // Supervisors who do not take calls themselves get the wallboard.
    if (user.roles.includes("supervisor") && !user.roles.includes("agent")) {
      new Wallboard(root, user, showLogin).start();
      return;
    }
    new Desk(root, user, showLogin).start();
  };

  let signedIn: Me;
  try {
    signedIn = await me();
  } catch {
    showLogin();
    return;
  }
  await showDesk(signedIn);
}

void boot();
