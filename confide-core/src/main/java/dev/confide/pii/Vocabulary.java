package dev.confide.pii;

/**
 * Small hand-kept word lists of general language knowledge (closed-class English words, honorifics,
 * street types, legal forms, ...). The large lists (names, places, nationalities, common words) come from
 * datafaker's locale files; see {@link Gazetteers}.
 */
final class Vocabulary {
  private Vocabulary() {}

  /** English closed-class words and very common words that are never names on their own. */
  static final String[] FUNCTION_WORDS = words("""
      a an the this that these those there here where when what which who whom whose why how
      i me my mine myself you your yours yourself yourselves he him his himself she her hers herself it its itself
      we us our ours ourselves they them their theirs themselves one ones someone somebody anyone anybody everyone
      everybody nobody noone something anything everything nothing
      and or but nor so yet for if then than because although though while whereas unless until since as
      of in on at to from by with without within into onto upon over under above below between among through
      throughout during before after around about against along across behind beyond near off out up down via per
      toward towards amid despite except inside outside past plus minus versus vs
      is am are was were be been being do does did done doing have has had having will would shall should can
      could may might must ought need dare let lets
      not no yes yeah ok okay hi hello hey dear thanks thank please sorry oh well also just only even still
      already again ever never always often sometimes usually really very quite rather too much many more most
      some any all each every both either neither few several other another such same own
      now today tomorrow yesterday tonight soon later ago once twice
      first second third last next new old good great best better bad big small little long short high low
      mr mrs ms dr st
      zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred
      thousand million billion
      i'm i've i'll i'd don't doesn't didn't can't won't isn't aren't wasn't weren't
      """);

  /** Honorifics and forms of address; a name usually follows. */
  static final String[] HONORIFICS = words("""
      mr mrs ms miss mx mister missus dr doctor prof professor sir dame madam madame mme mlle mssr
      herr frau fräulein sr sra srta sig signor signora signorina dott dott.ssa don doña dona
      rev reverend fr father pastor rabbi imam sheikh hon honorable honourable
      capt captain lt lieutenant col colonel gen sgt sergeant cpl corporal maj cmdr commander adm admiral
      gov governor sen senator rep pres judge justice lord lady baron baroness count countess duke duchess
      prince princess king queen pan pani dhr mevr mevrouw hr fru
      """);

  /** Honorifics written with a full stop when abbreviated. */
  static final String[] ABBREVIATED_HONORIFICS = words("""
      mr mrs ms mx dr prof sr sra srta rev fr hon capt lt col gen sgt cpl maj cmdr adm gov sen rep pres dhr mevr hr
      """);

  /** Lower-case particles inside names: "Ludwig van Beethoven", "Leonardo da Vinci". */
  static final String[] NAME_PARTICLES = words("""
      van von der den de del della di da das dos du la le les ter ten zu bin ibn al el y e af av
      """);

  /** English street types and their abbreviations. Extended with datafaker's English street suffixes. */
  static final String[] STREET_TYPES = words("""
      street st str road rd avenue ave av boulevard blvd lane ln drive dr court ct place pl square sq terrace ter
      terr way parkway pkwy circle cir highway hwy close crescent cres row walk trail trl alley aly plaza plz
      loop path pike mews gardens gdns grove gr expressway expy freeway fwy turnpike tpke causeway crossing xing
      esplanade embankment quay wharf parade promenade broadway motorway bypass route rte
      """);

  /** Street words that come before the name: "Rua do Arenque 1634", "Via Tasso 129". */
  static final String[] STREET_PREFIXES = words("""
      rua via viale vicolo piazza piazzale corso largo calle avenida avda av carrer carretera camino paseo plaza
      rambla travessa travesía ronda rue avenue boulevard bd allée chemin impasse quai place ulica ul aleja al
      strada bulevardul bulevard bul jalan jl lorong lebuh utca út avinguda alameda estrada praça praca rodovia
      """);

  /**
   * Endings of compound street names in Germanic, Nordic and Finno-Ugric languages ("Koskikatu",
   * "Søndergade", "Hauptstraße", "Magasinsgatan"), longest first.
   */
  static final String[] STREET_SUFFIXES = words("""
      straße strasse stræti straat strada gatan gata gade gate vägen väg veien vei vej weg steeg laan gracht
      plein allee gasse platz ring damm ufer chaussee katu tie kuja polku väylä kaari tori tänav mnt põik
      utca tér körút sétány stra str stien sti vegur stræde braut stígur gränd plads
      """);

  /** Words after which an address is likely. */
  static final String[] ADDRESS_CUES = words("""
      address addresses addr lives live living lived located location locate moved move moving ship shipped shipping
      send sent deliver delivered delivery billing mailing residence reside resides resided stay staying based
      headquartered offices office visit meet
      """);

  /** Words after which a postal code follows. */
  static final String[] POSTAL_LABELS = words("zip zipcode postcode postal plz postleitzahl cep pincode");

  /** Words that announce a driver's licence number. */
  static final String[] LICENSE_CUES = words("driver drivers driving license licence licenses licences dl dln");

  /** Unit designators in addresses. */
  static final String[] UNIT_WORDS = words("""
      apt apartment apto suite ste unit flat floor fl room rm bldg building block blk lot box pmb
      piso depto departamento puerta escalera esc planta piano interno int zimmer etage wohnung lgh kt
      """);

  /** Legal forms of companies; a name ending with one is an organization. */
  static final String[] ORG_LEGAL_SUFFIXES = words("""
      inc incorporated llc l.l.c ltd limited corp corporation co plc gmbh ag kg ohg ug mbh sa sas sarl srl
      spa bv nv oy oyj ab asa aps pty pte llp lp pllc kk kft zrt nyrt ltda eireli sro doo sia uab oü
      lda bhd sdn cic ngo
      """);

  /** Head nouns that make a capitalized phrase an organization. */
  static final String[] ORG_HEAD_WORDS = words("""
      group holdings holding technologies technology tech solutions systems associates partners partnership bank
      bancorp insurance assurance capital global international industries enterprises enterprise consulting
      consultants labs laboratories software media foundation university institute institution college school
      academy agency hospital clinic council committee association society club union federation ministry
      department bureau authority trust fund ventures networks network communications telecom pharmaceuticals
      pharma biotech bioscience biosciences energy motors airlines airways logistics services studios studio
      entertainment publishing publishers press records analytics healthcare financial finance investments
      securities realty properties construction manufacturing electronics foods brewing brewery restaurants
      hotels resorts orchestra company companies corporation brothers sons cooperative coop organisation
      organization commission office church centre center collective alliance consortium advisors advisers
      management marketing design designs digital interactive innovations dynamics robotics semiconductor
      semiconductors chemicals materials resources mining oil gas petroleum power utilities water airlines
      railways shipping freight transport exchange markets trading traders retail stores store supermarket
      bakery cafe café kitchen apparel fashion cosmetics games gaming productions pictures films broadcasting
      news times herald gazette journal magazine review post tribune chronicle service research
      """);

  /** Common occupation head nouns, for job titles ("Staff development specialist"). */
  static final String[] JOB_HEADS = words("""
      accountant actor actress administrator adviser advisor agent aide analyst anesthesiologist announcer
      archaeologist architect archivist artist assembler assessor assistant associate astronomer attendant
      attorney auditor author baker banker barber bartender biologist bookkeeper brewer broker builder butcher
      buyer captain cardiologist caretaker carpenter cashier ceo cfo cto coo chef chemist chiropractor cleaner
      clerk coach collector columnist commissioner conductor conservator consultant controller cook coordinator
      copywriter counselor counsellor courier curator custodian dancer dentist deputy designer detective
      developer dietitian diplomat director dispatcher doctor draftsman drafter driver economist editor educator
      electrician embalmer engineer entrepreneur estimator examiner executive facilitator farmer firefighter
      fitter florist gardener geographer geologist geophysicist glazier guard guide hairdresser handler
      historian hydrologist hygienist illustrator inspector installer instructor interpreter investigator janitor
      journalist judge labourer laborer lawyer lecturer librarian lifeguard liaison locksmith machinist
      manager mariner marketer mason mathematician mechanic mediator merchandiser meteorologist midwife miner
      musician navigator negotiator neurologist nurse nutritionist observer officer oncologist operator
      optician optometrist orthodontist packager painter paralegal paramedic pathologist pediatrician
      pharmacist photographer physician physicist physiotherapist pilot planner plasterer plumber poet
      policeman porter president principal printer producer professor programmer promoter proofreader
      psychiatrist psychologist psychotherapist publisher radiographer radiologist realtor receptionist
      recruiter referee registrar reporter representative researcher retailer roofer sailor salesman
      saleswoman salesperson scientist screenwriter sculptor secretary servant sheriff singer sociologist
      solicitor specialist statistician steward stockbroker strategist student superintendent supervisor
      surgeon surveyor tailor teacher technician technologist teller therapist trader trainer translator
      treasurer tutor typist underwriter upholsterer valuer veterinarian vet waiter waitress warden welder
      worker writer zoologist echocardiographer sonographer scheduler lobbyist operative sorter inspector
      """);

  /** English month names and abbreviations. */
  static final String[] MONTHS = words("""
      january february march april may june july august september october november december
      jan feb mar apr jun jul aug sep sept oct nov dec
      """);

  /** English weekday names and abbreviations. */
  static final String[] WEEKDAYS = words("""
      monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
      """);

  /** Nationality and language adjectives (datafaker lists mostly plural nationalities and demonyms). */
  static final String[] NATIONALITIES = words("""
      american british english scottish welsh irish canadian mexican brazilian argentinian argentine chilean
      peruvian colombian venezuelan cuban spanish portuguese french german italian dutch belgian swiss austrian
      danish swedish norwegian finnish icelandic estonian latvian lithuanian polish czech slovak hungarian
      romanian bulgarian greek turkish serbian croatian slovenian bosnian albanian macedonian ukrainian russian
      belarusian georgian armenian azerbaijani kazakh uzbek israeli arab arabic palestinian lebanese syrian
      iraqi iranian persian afghan pakistani indian bangladeshi nepali sri lankan chinese japanese korean
      vietnamese thai filipino indonesian malaysian singaporean australian egyptian moroccan algerian
      tunisian libyan nigerian ghanaian kenyan ethiopian somali sudanese congolese south african zimbabwean
      hispanic latino latina asian african european caucasian jamaican haitian puerto rican greenlandic
      hindi urdu bengali punjabi tamil mandarin cantonese hebrew swahili yoruba zulu catalan basque galician
      flemish
      """);

  /** Religious and political groups (NRP), added to datafaker's nationalities and demonyms. */
  static final String[] RELIGIOUS_AND_POLITICAL_GROUPS = words("""
      christian christians catholic catholics protestant protestants orthodox evangelical evangelicals
      anglican anglicans lutheran lutherans methodist methodists baptist baptists presbyterian presbyterians
      mormon mormons muslim muslims moslem islamic sunni sunnis shia shias shiite shiites shii shiis jewish
      jew jews hindu hindus buddhist buddhists sikh sikhs jain jains taoist atheist atheists agnostic agnostics
      democrat democrats republican republicans socialist socialists communist communists conservative
      conservatives liberal liberals libertarian libertarians labour tory tories green greens
      """);

  /** Places that are not cities or countries but are locations when capitalized. */
  static final String[] PLACE_PREFIXES = words("""
      north south east west new old lake port fort mount mt saint st san santa santo são los las el la le les
      upper lower great little
      """);

  /** Words that introduce a label on its own line ("Name:", "Address:") — never names themselves. */
  static final String[] LABEL_WORDS = words("""
      name address phone tel telephone fax mobile cell email e-mail mail zip postcode city state country user
      bot assistant agent customer client subject re note notes date time when where who what title company
      organization organisation org position role job department dept desk office home work website web url
      from to cc bcc sender recipient ssn dob age sex gender id account iban card number amount total
      """);

  static String[] words(String text) {
    return text.strip().split("\\s+");
  }
}
