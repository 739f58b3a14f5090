package web

import "strings"

// deviceLabel names a browser for the device list ("Firefox on Android")
// from its User-Agent; "" when it names nothing we know.
func deviceLabel(ua string) string {
	browser := firstMatch(ua, [][2]string{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"},
		{"Chrome/", "Chrome"}, {"Safari/", "Safari"}})
	system := firstMatch(ua, [][2]string{{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"},
		{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"}})
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	}
	return system
}

// firstMatch returns the name of the first pair whose marker ua contains.
func firstMatch(ua string, pairs [][2]string) string {
	for _, p := range pairs {
		if strings.Contains(ua, p[0]) {
			return p[1]
		}
	}
	return ""
}
