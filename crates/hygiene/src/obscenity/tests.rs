use super::*;
use rstest::rstest;

fn words(text: &str) -> Vec<&str> {
    find(text).into_iter().map(|f| &text[f.span]).collect()
}

#[rstest]
#[case("иди нахуй", &["нахуй"])]
#[case("Это просто ПИЗДЕЦ!!!", &["ПИЗДЕЦ"])]
#[case("х*й знает", &["х*й"])]
#[case("f.u.c.k this", &["f.u.c.k"])]
#[case("xуй", &["xуй"])]
#[case("ну ты cyka", &["cyka"])]
#[case("б л я т ь, опять", &["б л я т ь"])]
#[case("бляяяять", &["бляяяять"])]
#[case("ёбаный сервис", &["ёбаный"])]
#[case("заебали уже", &["заебали"])]
#[case("ну.блять", &["блять"])]
#[case("fuсk you", &["fuсk"])]
#[case("what the sh!t", &["sh!t"])]
#[case("you a$$hole", &["a$$hole"])]
#[case("ⅹер вам", &["ⅹер"])]
#[case("𝐟𝐮𝐜𝐤 it", &["𝐟𝐮𝐜𝐤"])]
#[case("ⓑⓛⓨⓐ", &["ⓑⓛⓨⓐ"])]
#[case("ρидор", &["ρидор"])]
#[case("ѕука", &["ѕука"])]
#[case("fück off", &["fück"])]
#[case("idi nakhuy", &["nakhuy"])]
#[case("pizdets polnyi", &["pizdets"])]
#[case("yobany servis", &["yobany"])]
#[case("shlyuha", &["shlyuha"])]
#[case("ну bl9d", &["bl9d"])]
#[case("phucking joke", &["phucking"])]
#[case("so fvcking slow", &["fvcking"])]
#[case("ну и х@йня", &["х@йня"])]
#[case("δлядство", &["δлядство"])]
#[case("cy4ара", &["cy4ара"])]
#[case("beotch", &["beotch"])]
fn finds_disguised_words(#[case] text: &str, #[case] expected: &[&str]) {
    assert_eq!(words(text), expected);
}

#[rstest]
#[case("не надо меня оскорблять")]
#[case("застрахуй посылку, пожалуйста")]
#[case("нельзя употреблять в пищу")]
#[case("купил скипидар и хлеба")]
#[case("себе и тебе, небо, требую")]
#[case("колебаться, учебник, погребальный")]
#[case("плохую и тихую доставку")]
#[case("my assistant ordered a cocktail in Scunthorpe")]
#[case("Hitchcock, peacock, class, passion, assess")]
#[case("рубля, корабля, сабля, бляха ремня")]
#[case("Херсон, херес, мандарин, команда, шлюз")]
#[case("педикюр и педиатр, сукно, сучок")]
#[case("ebay и наибольший")]
#[case("her hero is here, Mandy said")]
#[case("ebony ebook job blatant bladder Sebastian")]
#[case("feng shui lamp, Philips hue")]
#[case("Hyundai и Huawei, blin, pizza")]
#[case("заказ на имя Nguyen Van Huy")]
#[case("Moby Dick в твёрдой обложке")]
#[case("Ⅳ квартал, глава Ⅻ, № 5, Samsung™")]
#[case("0дин вопрос, спасиб0")]
fn leaves_ordinary_words(#[case] text: &str) {
    assert_eq!(words(text), Vec::<&str>::new());
}

#[test]
fn masks_with_first_letter() {
    assert_eq!(mask("иди нахуй, сука"), "иди н***, с***");
}
