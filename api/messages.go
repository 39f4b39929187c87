package api

import (
	"golang.org/x/text/language"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// Locales that user-facing messages exist in.
const (
	LocaleRussian = "ru"
	LocaleEnglish = "en"
)

// localeMatcher picks ru or en from an Accept-Language header. language.Matcher is safe for
// concurrent use and never changes after construction.
func newLocaleMatcher() language.Matcher {
	return language.NewMatcher([]language.Tag{language.Russian, language.English})
}

// matchLocale returns ru or en for an Accept-Language header, or fallback when it names
// neither.
func matchLocale(m language.Matcher, acceptLanguage, fallback string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return fallback
	}
	_, index, confidence := m.Match(tags...)
	if confidence == language.No {
		return fallback
	}
	if index == 0 {
		return LocaleRussian
	}
	return LocaleEnglish
}

// normalizeLocale maps a user's stored locale to ru or en.
func normalizeLocale(locale, fallback string) string {
	switch locale {
	case LocaleRussian, LocaleEnglish:
		return locale
	}
	if tag, err := language.Parse(locale); err == nil {
		base, _ := tag.Base()
		switch base.String() {
		case LocaleRussian, LocaleEnglish:
			return base.String()
		}
	}
	return fallback
}

// userMessage returns the message shown to the user for an error code.
func userMessage(code, locale string) string {
	ru := locale == LocaleRussian
	pick := func(ruText, enText string) string {
		if ru {
			return ruText
		}
		return enText
	}

	switch code {
	case protocol.CodeBadJSON:
		return pick("Запрос не разобран: ожидается JSON.", "The request could not be parsed: JSON expected.")
	case protocol.CodeInvalidRequest:
		return pick("В запросе неверное или пропущенное значение.", "The request has an invalid or missing value.")
	case protocol.CodeUnknownType:
		return pick("Неизвестная команда. Обновите страницу.", "Unknown command. Reload the page.")
	case protocol.CodeUnsupportedVersion:
		return pick("Версия приложения устарела. Обновите страницу.", "The app version is out of date. Reload the page.")
	case protocol.CodeTooLarge:
		return pick("Запрос слишком большой.", "The request is too large.")
	case protocol.CodeUnauthenticated:
		return pick("Войдите в систему.", "Please sign in.")
	case protocol.CodeInvalidCredentials:
		return pick("Неверный логин или пароль.", "Wrong login or password.")
	case protocol.CodeForbidden:
		return pick("Недостаточно прав для этого действия.", "You do not have permission to do this.")
	case protocol.CodeOriginRejected:
		return pick("Запрос отклонён: он пришёл со страницы другого сайта (заголовок Origin указывает на неразрешённый адрес).",
			"Request rejected: it came from a page of another site (the Origin header names an origin that is not allowed).")
	case protocol.CodeOriginMissing:
		return pick("Запрос отклонён: нет заголовка Origin. Отправляйте Origin с адресом, по которому открывается рабочее место оператора.",
			"Request rejected: the Origin header is missing. Send Origin with the address the desk is served from.")
	case protocol.CodeNotFound:
		return pick("Не найдено.", "Not found.")
	case protocol.CodeMethodNotAllowed:
		return pick("Метод не поддерживается.", "Method not allowed.")
	case protocol.CodeConflict:
		return pick("Действие сейчас невозможно: состояние изменилось.", "This cannot be done now: the state has changed.")
	case protocol.CodeUnavailable:
		return pick("Сервис временно недоступен. Повторите позже.", "The service is temporarily unavailable. Try again later.")
	case protocol.CodeTooManyAttempts:
		return pick("Слишком много неудачных попыток входа. Подождите несколько минут и попробуйте снова.",
			"Too many failed sign-in attempts. Wait a few minutes and try again.")
	case protocol.CodeTimeout:
		return pick("Сервер не ответил вовремя. Повторите.", "The server did not answer in time. Try again.")
	}
	return pick("Внутренняя ошибка сервера.", "Internal server error.")
}
