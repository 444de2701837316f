//! Seed tutorial "Go conference booking app": the `sendTicket` goroutine and its WaitGroup,
//! ported to gokio.
//!
//! A minimal, non-interactive reconstruction of the well-known booking app: instead of
//! reading each booking from stdin, it books a fixed list (one of them invalid). Booking is
//! quick; "sending" a ticket is slow (Go sleeps 50 s, shortened here to 200 ms), so each
//! ticket is sent in its own goroutine and `main` waits for all of them with a WaitGroup
//! before it exits. The tickets are sent concurrently, so their order varies from run to run.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "strings"
//!     "sync"
//!     "time"
//! )
//!
//! const conferenceTickets int = 50
//!
//! var conferenceName = "Go Conference"
//! var remainingTickets uint = 50
//! var bookings = make([]UserData, 0)
//!
//! type UserData struct {
//!     firstName       string
//!     lastName        string
//!     email           string
//!     numberOfTickets uint
//! }
//!
//! var wg = sync.WaitGroup{}
//!
//! func main() {
//!     greetUsers()
//!
//!     for _, b := range fixedBookings { // the tutorial reads these from stdin
//!         isValidName, isValidEmail, isValidTicketNumber :=
//!             validateUserInput(b.firstName, b.lastName, b.email, b.numberOfTickets)
//!
//!         if isValidName && isValidEmail && isValidTicketNumber {
//!             bookTicket(b.numberOfTickets, b.firstName, b.lastName, b.email)
//!
//!             wg.Add(1)
//!             go sendTicket(b.numberOfTickets, b.firstName, b.lastName, b.email)
//!
//!             fmt.Printf("The first names of bookings are: %v\n", getFirstNames())
//!
//!             if remainingTickets == 0 {
//!                 fmt.Println("Our conference is booked out. Come back next year.")
//!                 break
//!             }
//!         } else {
//!             if !isValidName {
//!                 fmt.Println("first name or last name you entered is too short")
//!             }
//!             if !isValidEmail {
//!                 fmt.Println("email address you entered doesn't contain @ sign")
//!             }
//!             if !isValidTicketNumber {
//!                 fmt.Println("number of tickets you entered is invalid")
//!             }
//!         }
//!     }
//!     wg.Wait()
//! }
//!
//! func greetUsers() {
//!     fmt.Printf("Welcome to %v booking application\n", conferenceName)
//!     fmt.Printf("We have total of %v tickets and %v are still available.\n", conferenceTickets, remainingTickets)
//!     fmt.Println("Get your tickets here to attend")
//! }
//!
//! func getFirstNames() []string {
//!     firstNames := []string{}
//!     for _, booking := range bookings {
//!         firstNames = append(firstNames, booking.firstName)
//!     }
//!     return firstNames
//! }
//!
//! func validateUserInput(firstName string, lastName string, email string, userTickets uint) (bool, bool, bool) {
//!     isValidName := len(firstName) >= 2 && len(lastName) >= 2
//!     isValidEmail := strings.Contains(email, "@")
//!     isValidTicketNumber := userTickets > 0 && userTickets <= remainingTickets
//!     return isValidName, isValidEmail, isValidTicketNumber
//! }
//!
//! func bookTicket(userTickets uint, firstName string, lastName string, email string) {
//!     remainingTickets = remainingTickets - userTickets
//!
//!     var userData = UserData{
//!         firstName:       firstName,
//!         lastName:        lastName,
//!         email:           email,
//!         numberOfTickets: userTickets,
//!     }
//!
//!     bookings = append(bookings, userData)
//!     fmt.Printf("List of bookings is %v\n", bookings)
//!
//!     fmt.Printf("Thank you %v %v for booking %v tickets. You will receive a confirmation email at %v\n", firstName, lastName, userTickets, email)
//!     fmt.Printf("%v tickets remaining for %v\n", remainingTickets, conferenceName)
//! }
//!
//! func sendTicket(userTickets uint, firstName string, lastName string, email string) {
//!     time.Sleep(50 * time.Second)
//!     var ticket = fmt.Sprintf("%v tickets for %v %v", userTickets, firstName, lastName)
//!     fmt.Println("#################")
//!     fmt.Printf("Sending ticket:\n %v \nto email address %v\n", ticket, email)
//!     fmt.Println("#################")
//!     wg.Done()
//! }
//! ```

use std::fmt;
use std::time::Duration;

use gokio::prelude::*;
use gokio::DoneGuard;

const CONFERENCE_TICKETS: u32 = 50;
const CONFERENCE_NAME: &str = "Go Conference";

#[derive(Clone)]
struct UserData {
    first_name: String,
    last_name: String,
    email: String,
    number_of_tickets: u32,
}

// Go's `%v` of a struct: `{Nana Janashia nana@example.com 2}`.
impl fmt::Display for UserData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{{} {} {} {}}}",
            self.first_name, self.last_name, self.email, self.number_of_tickets
        )
    }
}

/// Go's package-level variables. Only `main` touches them (the goroutines get copies of what
/// they print), so they need no lock: a plain struct owned by `main` is enough.
struct Conference {
    remaining_tickets: u32,
    bookings: Vec<UserData>,
}

impl Conference {
    fn greet_users(&self) {
        println!("Welcome to {CONFERENCE_NAME} booking application");
        println!(
            "We have total of {CONFERENCE_TICKETS} tickets and {} are still available.",
            self.remaining_tickets
        );
        println!("Get your tickets here to attend");
    }

    fn first_names(&self) -> Vec<&str> {
        self.bookings
            .iter()
            .map(|b| b.first_name.as_str())
            .collect()
    }

    fn validate_user_input(&self, u: &UserData) -> (bool, bool, bool) {
        let is_valid_name = u.first_name.len() >= 2 && u.last_name.len() >= 2;
        let is_valid_email = u.email.contains('@');
        let is_valid_ticket_number =
            u.number_of_tickets > 0 && u.number_of_tickets <= self.remaining_tickets;
        (is_valid_name, is_valid_email, is_valid_ticket_number)
    }

    fn book_ticket(&mut self, u: UserData) {
        self.remaining_tickets -= u.number_of_tickets;
        let (first, last, tickets, email) = (
            u.first_name.clone(),
            u.last_name.clone(),
            u.number_of_tickets,
            u.email.clone(),
        );
        self.bookings.push(u);
        let list: Vec<String> = self.bookings.iter().map(ToString::to_string).collect();
        println!("List of bookings is [{}]", list.join(" "));

        println!(
            "Thank you {first} {last} for booking {tickets} tickets. You will receive a confirmation email at {email}"
        );
        println!(
            "{} tickets remaining for {CONFERENCE_NAME}",
            self.remaining_tickets
        );
    }
}

/// Go: `func sendTicket(...)` ending in `wg.Done()`; the guard does the `Done`.
async fn send_ticket(u: UserData, done: DoneGuard) {
    let _done = done;
    time::sleep(Duration::from_millis(200)).await;
    let ticket = format!(
        "{} tickets for {} {}",
        u.number_of_tickets, u.first_name, u.last_name
    );
    // One `println!` per ticket, so the lines of two tickets sent at once never interleave
    // (Go's three `Printf` calls can interleave; stdout is locked per call in both languages).
    println!(
        "#################\nSending ticket:\n {ticket} \nto email address {}\n#################",
        u.email
    );
}

fn user(first: &str, last: &str, email: &str, tickets: u32) -> UserData {
    UserData {
        first_name: first.to_string(),
        last_name: last.to_string(),
        email: email.to_string(),
        number_of_tickets: tickets,
    }
}

fn main() {
    run(async {
        let mut conf = Conference {
            remaining_tickets: CONFERENCE_TICKETS,
            bookings: Vec::new(),
        };
        let wg = WaitGroup::new();

        conf.greet_users();

        // The tutorial asks for these on stdin, one booking per loop iteration.
        let fixed_bookings = [
            user("Nana", "Janashia", "nana@example.com", 2),
            user("Tom", "Smith", "tom@example.com", 5),
            user("X", "Y", "not-an-email", 3),
            user("Anna", "Berg", "anna@example.com", 43),
        ];

        for u in fixed_bookings {
            let (is_valid_name, is_valid_email, is_valid_ticket_number) =
                conf.validate_user_input(&u);

            if is_valid_name && is_valid_email && is_valid_ticket_number {
                conf.book_ticket(u.clone());

                // wg.Add(1); go sendTicket(...)
                go(send_ticket(u, wg.guard()));

                // Go's `%v` of a []string: `[Nana Tom]`.
                println!(
                    "The first names of bookings are: [{}]",
                    conf.first_names().join(" ")
                );

                if conf.remaining_tickets == 0 {
                    println!("Our conference is booked out. Come back next year.");
                    break;
                }
            } else {
                if !is_valid_name {
                    println!("first name or last name you entered is too short");
                }
                if !is_valid_email {
                    println!("email address you entered doesn't contain @ sign");
                }
                if !is_valid_ticket_number {
                    println!("number of tickets you entered is invalid");
                }
            }
        }

        // Without this, `main` would return and end the program before any ticket is sent.
        wg.wait().await;
    });
}
