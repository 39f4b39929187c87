import { Console } from "./console";
import { Contacts } from "./contacts";
import { Desk } from "./desk";
import { Wallboard } from "./wallboard";
import { currentLanguage, initI18n, isLanguage, savedLanguage, setLanguage } from "./i18n";
import { renderLogin } from "./login";
import { contactsPath } from "./pages";
import { User } from "./protocol";
import { me, Me, updateLocale } from "./session";

// Page is a signed-in user's screen: the desk, the wallboard or the contacts page.
interface Page {
  start(): void;
  // close ends the page's connection before another page replaces it.
  close(): void;
}

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

// pageFor picks the page for the browser's path and the user's roles. Supervisors who do
// not take calls themselves get the wallboard as their home page; administrators and
// marketers, who have no browser workspace yet, get a page that points to the command line.
function pageFor(root: HTMLElement, user: User, onSignedOut: () => void): Page {
  const agent = user.roles.includes("agent");
  const supervisorOnly = user.roles.includes("supervisor") && !agent;
  if (!agent && !supervisorOnly) return new Console(root, user, onSignedOut);
  if (location.pathname === contactsPath && (agent || supervisorOnly)) {
    return new Contacts(root, user, supervisorOnly ? "wallboard" : "desk", onSignedOut);
  }
  if (supervisorOnly) return new Wallboard(root, user, onSignedOut);
  return new Desk(root, user, onSignedOut);
}

async function boot(): Promise<void> {
  await initI18n();
  const root = document.getElementById("app")!;
  let current: Page | undefined;

  const showLogin = () => {
    current?.close();
    current = undefined;
    renderLogin(root, (m) => void showPage(m));
  };
  const showPage = async (m: Me) => {
    const user = await syncLanguage(m.user);
    current?.close();
    current = pageFor(root, user, showLogin);
    current.start();
  };

  // Links between pages and the browser's back and forward buttons change the path; the
  // page for the new path starts with the session's current user. On the login page the
  // path is kept and applies after sign-in.
  window.addEventListener("popstate", async () => {
    if (!current) return;
    let signedIn: Me;
    try {
      signedIn = await me();
    } catch {
      showLogin();
      return;
    }
    await showPage(signedIn);
  });

  let signedIn: Me;
  try {
    signedIn = await me();
  } catch {
    showLogin();
    return;
  }
  await showPage(signedIn);
}

void boot();
